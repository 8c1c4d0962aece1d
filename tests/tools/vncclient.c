/*
 * vncclient: a scriptable VNC viewer for the tests, on Debian's
 * libvncclient (a different code base from the server side's protocol
 * handling only in part: it is the client half of the same project, so
 * the functional tests also compare the picture with screendump).
 *
 *   vncclient [-p PASSWORD] [-t SECONDS] [-e ENCODINGS] SERVER COMMAND...
 *
 * -e: the encodings to offer, in libvncclient's words ("raw", "zrle",
 * "tight copyrect"...; default: all it has, tight without JPEG).
 * SERVER is HOST:PORT, [V6ADDR]:PORT or the path of a unix socket.
 * Commands run in order:
 *   size                 print "WIDTHxHEIGHT"
 *   capture FILE         write the current screen as a binary PPM (P6)
 *   compare FILE         ask for full screens until one equals the P6 PPM
 *                        FILE pixel for pixel (fails after -t seconds,
 *                        printing the first difference)
 *   key KEYSYM           press and release (KEYSYM: 0xHEX, one character
 *                        or a name: Return Escape Tab BackSpace Shift_L
 *                        Control_L Alt_L F1..F12 KP_0..KP_9 KP_Enter ...)
 *   down KEYSYM / up KEYSYM
 *   type TEXT            each character as its keysym, with Shift_L held
 *                        around upper case and shifted US symbols, as a
 *                        real viewer sends them
 *   pointer X Y MASK     move to (X, Y) with buttons MASK (1 left,
 *                        2 middle, 4 right, 8/16 wheel)
 *   sleep MS
 * Exit: 0 done, 1 a command failed, 2 cannot connect, 3 the server
 * refused our password (or wanted one we did not give).
 */
#include <ctype.h>
#include <errno.h>
#include <rfb/keysym.h>
#include <rfb/rfbclient.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *password;
static const char *encodings;
static bool password_asked;
static bool frame_done;
static double timeout_s = 20;

static char *get_password(rfbClient *cl)
{
    password_asked = true;
    return strdup(password ? password : "");
}

/* A FramebufferUpdate may carry only pseudo-rectangles (a new size):
 * the picture is complete once the pixels of the area asked for came. */
static long area_wanted, area_got;

static void got_rect(rfbClient *cl, int x, int y, int w, int h)
{
    area_got += (long)w * h;
}

static void frame_finished(rfbClient *cl)
{
    frame_done = area_got >= area_wanted;
}

/* libvncclient's chatter goes away; errors stay on stderr. */
static void quiet_log(const char *fmt, ...) {}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait for the pixels of the area asked for (after a request). */
static bool wait_frame(rfbClient *cl, long area)
{
    double end = now_s() + timeout_s;
    frame_done = false;
    area_wanted = area;
    area_got = 0;
    while (!frame_done) {
        /* WaitForMessage() looks at the socket only: a message already
         * in libvncclient's buffer would wait for the next one. */
        int r = cl->buffered ? 1 : WaitForMessage(cl, 100000);
        if (r < 0) {
            return false;
        }
        if (r > 0 && !HandleRFBServerMessage(cl)) {
            return false;
        }
        if (now_s() > end) {
            fprintf(stderr, "vncclient: no screen update within %.0f s\n",
                    timeout_s);
            return false;
        }
    }
    return true;
}

/* Ask for (part of) the screen and wait until it has arrived.  The server
 * handles messages in order, so this is also a round trip: what we sent
 * before has been acted on. */
static bool fetch_rect(rfbClient *cl, int w, int h)
{
    return SendFramebufferUpdateRequest(cl, 0, 0, w, h, FALSE) &&
           wait_frame(cl, (long)w * h);
}

static bool fetch_frame(rfbClient *cl)
{
    return fetch_rect(cl, cl->width, cl->height);
}

static void pixel_rgb(rfbClient *cl, int x, int y, uint8_t rgb[3])
{
    const rfbPixelFormat *f = &cl->format;
    uint32_t p;
    memcpy(&p, cl->frameBuffer + ((size_t)y * cl->width + x) * 4, 4);
    /* Scale each channel from 0..max to 0..255 as the surface has it. */
    rgb[0] = ((p >> f->redShift) & f->redMax) * 255 / f->redMax;
    rgb[1] = ((p >> f->greenShift) & f->greenMax) * 255 / f->greenMax;
    rgb[2] = ((p >> f->blueShift) & f->blueMax) * 255 / f->blueMax;
}

static bool write_ppm(rfbClient *cl, const char *file)
{
    FILE *f = fopen(file, "wb");
    if (!f) {
        fprintf(stderr, "vncclient: %s: %s\n", file, strerror(errno));
        return false;
    }
    fprintf(f, "P6\n%d %d\n255\n", cl->width, cl->height);
    for (int y = 0; y < cl->height; y++) {
        for (int x = 0; x < cl->width; x++) {
            uint8_t rgb[3];
            pixel_rgb(cl, x, y, rgb);
            fwrite(rgb, 1, 3, f);
        }
    }
    return fclose(f) == 0;
}

/* A header token of a PPM: skips blanks and # comments. */
static int ppm_int(FILE *f)
{
    int c, v = 0;
    do {
        c = fgetc(f);
        if (c == '#') {
            while (c != '\n' && c != EOF) {
                c = fgetc(f);
            }
        }
    } while (isspace(c));
    if (!isdigit(c)) {
        return -1;
    }
    while (isdigit(c)) {
        v = v * 10 + (c - '0');
        if (v > 1000000) {
            return -1;
        }
        c = fgetc(f);
    }
    return v; /* the one blank after maxval is consumed here */
}

static uint8_t *read_ppm(const char *file, int *w, int *h)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "vncclient: %s: %s\n", file, strerror(errno));
        return NULL;
    }
    uint8_t *data = NULL;
    if (fgetc(f) != 'P' || fgetc(f) != '6') {
        fprintf(stderr, "vncclient: %s: not a binary PPM (P6)\n", file);
        goto out;
    }
    *w = ppm_int(f);
    *h = ppm_int(f);
    int max = ppm_int(f);
    if (*w < 1 || *h < 1 || max != 255) {
        fprintf(stderr, "vncclient: %s: unsupported PPM header\n", file);
        goto out;
    }
    size_t n = (size_t)*w * *h * 3;
    data = malloc(n);
    if (fread(data, 1, n, f) != n) {
        fprintf(stderr, "vncclient: %s: short PPM\n", file);
        free(data);
        data = NULL;
    }
out:
    fclose(f);
    return data;
}

/* Number of differing pixels (the first one described in first). */
static long diff_frame(rfbClient *cl, const uint8_t *ref, int w, int h,
                       char *first, size_t len)
{
    long bad = 0;
    if (w != cl->width || h != cl->height) {
        snprintf(first, len, "size %dx%d, the file %dx%d", cl->width,
                 cl->height, w, h);
        return (long)w * h;
    }
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            uint8_t rgb[3];
            const uint8_t *r = ref + ((size_t)y * w + x) * 3;
            pixel_rgb(cl, x, y, rgb);
            if (memcmp(rgb, r, 3)) {
                if (!bad++) {
                    snprintf(first, len,
                             "(%d,%d) is %02x%02x%02x, the file has "
                             "%02x%02x%02x",
                             x, y, rgb[0], rgb[1], rgb[2], r[0], r[1], r[2]);
                }
            }
        }
    }
    return bad;
}

static bool compare(rfbClient *cl, const char *file)
{
    int w, h;
    uint8_t *ref = read_ppm(file, &w, &h);
    if (!ref) {
        return false;
    }
    double end = now_s() + timeout_s;
    char first[128] = "";
    long bad;
    do {
        if (!fetch_frame(cl)) {
            free(ref);
            return false;
        }
        bad = diff_frame(cl, ref, w, h, first, sizeof(first));
    } while (bad && now_s() < end);
    free(ref);
    if (bad) {
        fprintf(stderr, "vncclient: compare %s: %ld pixels differ; first %s\n",
                file, bad, first);
        return false;
    }
    printf("compare %s: %dx%d equal\n", file, w, h);
    return true;
}

static const struct {
    const char *name;
    uint32_t keysym;
} key_names[] = {
    {"Return", XK_Return},
    {"Escape", XK_Escape},
    {"Tab", XK_Tab},
    {"BackSpace", XK_BackSpace},
    {"space", XK_space},
    {"Delete", XK_Delete},
    {"Shift_L", XK_Shift_L},
    {"Shift_R", XK_Shift_R},
    {"Control_L", XK_Control_L},
    {"Control_R", XK_Control_R},
    {"Alt_L", XK_Alt_L},
    {"Alt_R", XK_Alt_R},
    {"Super_L", XK_Super_L},
    {"Menu", XK_Menu},
    {"Print", XK_Print},
    {"Pause", XK_Pause},
    {"Up", XK_Up},
    {"Down", XK_Down},
    {"Left", XK_Left},
    {"Right", XK_Right},
    {"Home", XK_Home},
    {"End", XK_End},
    {"KP_Enter", XK_KP_Enter},
    {"KP_Add", XK_KP_Add},
    {"Caps_Lock", XK_Caps_Lock},
    {"Num_Lock", XK_Num_Lock},
};

static long parse_keysym(const char *s)
{
    if (!strncmp(s, "0x", 2)) {
        char *end;
        long v = strtol(s, &end, 16);
        return *end || v < 0 ? -1 : v;
    }
    if (strlen(s) == 1) {
        return (unsigned char)s[0]; /* Latin-1 keysyms are the character */
    }
    if (s[0] == 'F' && isdigit((unsigned char)s[1])) {
        int n = atoi(s + 1);
        return n >= 1 && n <= 12 ? (long)XK_F1 + n - 1 : -1;
    }
    if (!strncmp(s, "KP_", 3) && isdigit((unsigned char)s[3]) && !s[4]) {
        return XK_KP_0 + (s[3] - '0');
    }
    for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
        if (!strcmp(s, key_names[i].name)) {
            return key_names[i].keysym;
        }
    }
    return -1;
}

/* A viewer on a US keyboard holds Shift for these. */
static bool needs_shift(char c)
{
    return isupper((unsigned char)c) || strchr("~!@#$%^&*()_+{}|:\"<>?", c);
}

static bool type_text(rfbClient *cl, const char *text)
{
    for (const char *p = text; *p; p++) {
        bool shift = needs_shift(*p);
        uint32_t ks = *p == '\n' ? XK_Return : (unsigned char)*p;
        if ((shift && !SendKeyEvent(cl, XK_Shift_L, TRUE)) ||
            !SendKeyEvent(cl, ks, TRUE) || !SendKeyEvent(cl, ks, FALSE) ||
            (shift && !SendKeyEvent(cl, XK_Shift_L, FALSE))) {
            return false;
        }
    }
    return true;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: vncclient [-p PASSWORD] [-t SECONDS] [-e ENCODINGS] "
            "SERVER "
            "COMMAND...\n");
    return 1;
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc) {
            return usage();
        }
        if (!strcmp(argv[i], "-p")) {
            password = argv[i + 1];
        } else if (!strcmp(argv[i], "-e")) {
            encodings = argv[i + 1];
        } else if (!strcmp(argv[i], "-t")) {
            timeout_s = atof(argv[i + 1]);
        } else {
            return usage();
        }
    }
    if (i >= argc) {
        return usage();
    }
    const char *server = argv[i++];

    rfbClientLog = quiet_log;
    rfbClient *cl = rfbGetClient(8, 3, 4);
    cl->GetPassword = get_password;
    cl->FinishedFrameBufferUpdate = frame_finished;
    cl->GotFrameBufferUpdate = got_rect;
    cl->canHandleNewFBSize = TRUE;
    /* Pixels must arrive exactly: tight without its JPEG mode, or the
     * encodings -e names ("raw", "zrle copyrect"...). */
    cl->appData.enableJPEG = FALSE;
    if (encodings) {
        cl->appData.encodingsString = encodings;
    }
    cl->connectTimeout = (unsigned)timeout_s;
    if (server[0] == '/' || server[0] == '.') {
        cl->serverHost = strdup(server); /* a unix socket */
        cl->serverPort = 0;
    } else {
        const char *colon = strrchr(server, ':');
        if (!colon) {
            return usage();
        }
        size_t hl = colon - server;
        if (hl >= 2 && server[0] == '[' && server[hl - 1] == ']') {
            cl->serverHost = strndup(server + 1, hl - 2);
        } else {
            cl->serverHost = strndup(server, hl);
        }
        cl->serverPort = atoi(colon + 1);
    }
    /* rfbInitClient frees cl when it fails. */
    if (!rfbInitClient(cl, NULL, NULL)) {
        if (password_asked) {
            fprintf(stderr, "vncclient: %s: authentication refused%s\n", server,
                    password ? "" : " (no password given)");
            return 3;
        }
        fprintf(stderr, "vncclient: %s: cannot connect\n", server);
        return 2;
    }
    /* rfbInitClient asked for the whole screen: take it. */
    if (!wait_frame(cl, (long)cl->width * cl->height)) {
        fprintf(stderr, "vncclient: %s: no first screen\n", server);
        return 1;
    }

    int status = 0;
    for (; i < argc && !status; i++) {
        const char *cmd = argv[i];
        const char *a1 = i + 1 < argc ? argv[i + 1] : NULL;
        const char *a2 = i + 2 < argc ? argv[i + 2] : NULL;
        const char *a3 = i + 3 < argc ? argv[i + 3] : NULL;
        bool ok;
        if (!strcmp(cmd, "size")) {
            printf("%dx%d\n", cl->width, cl->height);
            ok = true;
        } else if (!strcmp(cmd, "capture") && a1) {
            ok = fetch_frame(cl) && write_ppm(cl, a1);
            i++;
        } else if (!strcmp(cmd, "compare") && a1) {
            ok = compare(cl, a1);
            i++;
        } else if ((!strcmp(cmd, "key") || !strcmp(cmd, "down") ||
                    !strcmp(cmd, "up")) &&
                   a1) {
            long ks = parse_keysym(a1);
            if (ks < 0) {
                fprintf(stderr, "vncclient: unknown keysym '%s'\n", a1);
                return 1;
            }
            ok = (cmd[0] == 'u' || SendKeyEvent(cl, ks, TRUE)) &&
                 (cmd[0] == 'd' || SendKeyEvent(cl, ks, FALSE));
            i++;
        } else if (!strcmp(cmd, "type") && a1) {
            ok = type_text(cl, a1);
            i++;
        } else if (!strcmp(cmd, "pointer") && a3) {
            ok = SendPointerEvent(cl, atoi(a1), atoi(a2), atoi(a3));
            i += 3;
        } else if (!strcmp(cmd, "sleep") && a1) {
            struct timespec ts = {atoi(a1) / 1000, atoi(a1) % 1000 * 1000000L};
            nanosleep(&ts, NULL);
            ok = true;
            i++;
        } else {
            fprintf(stderr, "vncclient: bad command '%s'\n", cmd);
            return 1;
        }
        if (!ok) {
            fprintf(stderr, "vncclient: %s failed\n", cmd);
            status = 1;
        }
    }
    /* Leave only once the server has handled our events: closing with
     * its update in flight would make it drop what it had not read. */
    if (!status && !fetch_rect(cl, 1, 1)) {
        fprintf(stderr, "vncclient: %s: no answer at the end\n", server);
        status = 1;
    }
    fflush(stdout);
    rfbClientCleanup(cl);
    return status;
}
