/*
 * -vnc: the VNC server on libvncserver.  (Placeholder until the VNC
 * front end lands: it refuses clearly.)
 */
#include "ui/display.h"

#ifdef CONFIG_VNC
bool vnc_available(void)
{
    return true;
}

int vnc_display_init(const char *spec, Error **errp)
{
    error_setg(errp, "-vnc %s: the VNC server is not written yet", spec);
    return -1;
}
#endif
