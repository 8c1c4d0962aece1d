/*
 * The VNC server in-process with a console of ours, and libvncclient on
 * a thread as the viewers (one per encoding: raw, hextile, zlib, ZRLE,
 * tight, copyrect): the pixels each client receives are the console's
 * (converted from a 16-bit surface, then from a 32-bit one), a
 * dpy_gfx_update of a rectangle reaches it, and a new surface size
 * reaches it as a DesktopSize change.
 *
 * The expected colours are computed here from the surface's bits
 * (r5g6b5 widened by repeating the high bits, as pixman does), not read
 * back from the server.
 */
#include "tests/unit/harness.h"
#include "emu/main-loop.h"
#include "emu/log.h"
#include "emu/trace.h"
#include "ui/console.h"
#include "ui/display.h"

#ifdef CONFIG_VNC
#include <pthread.h>
#include <rfb/rfbclient.h>
#include <stdatomic.h>

#define W1 64
#define H1 48
#define W2 80
#define H2 40

static char sock_path[64];
static uint16_t pix16[W1 * H1];
static uint32_t pix32[W2 * H2];

/* Main thread -> client: the phase whose picture is ready; client ->
 * main: the last phase it checked (or -1 when it gave up). */
static atomic_int phase_ready, phase_done;
static char client_error[200];
static char diff_text[96];

static void rgb_of16(uint16_t p, uint8_t rgb[3])
{
    unsigned r = p >> 11, g = (p >> 5) & 63, b = p & 31;
    rgb[0] = (r << 3) | (r >> 2);
    rgb[1] = (g << 2) | (g >> 4);
    rgb[2] = (b << 3) | (b >> 2);
}

static void rgb_of32(uint32_t p, uint8_t rgb[3])
{
    rgb[0] = p >> 16;
    rgb[1] = p >> 8;
    rgb[2] = p;
}

/* ---- the client (its own thread; libvncclient only) ---------------------
 */

static bool frame_done;
static long area_got, area_wanted;

static void got_rect(rfbClient *cl, int x, int y, int w, int h)
{
    area_got += (long)w * h;
}

static void finished(rfbClient *cl)
{
    frame_done = area_got >= area_wanted;
}

static void quiet(const char *fmt, ...) {}

static bool wait_frame(rfbClient *cl, long area)
{
    frame_done = false;
    area_got = 0;
    area_wanted = area;
    for (int i = 0; i < 200 && !frame_done; i++) {
        /* WaitForMessage() looks at the socket only: a message already
         * in libvncclient's buffer would wait for the next one. */
        int r = cl->buffered ? 1 : WaitForMessage(cl, 100000);
        if (r < 0 || (r > 0 && !HandleRFBServerMessage(cl))) {
            return false;
        }
    }
    return frame_done;
}

static bool fetch(rfbClient *cl)
{
    return SendFramebufferUpdateRequest(cl, 0, 0, cl->width, cl->height,
                                        FALSE) &&
           wait_frame(cl, (long)cl->width * cl->height);
}

/* The first pixel that differs from the expectation, or -1. */
static long first_diff(rfbClient *cl, int w, int h, int phase)
{
    if (cl->width != w || cl->height != h) {
        return (long)w * h;
    }
    const rfbPixelFormat *f = &cl->format;
    for (long i = 0; i < (long)w * h; i++) {
        uint32_t p;
        uint8_t want[3], got[3];
        memcpy(&p, cl->frameBuffer + i * 4, 4);
        got[0] = (p >> f->redShift) & f->redMax;
        got[1] = (p >> f->greenShift) & f->greenMax;
        got[2] = (p >> f->blueShift) & f->blueMax;
        if (phase < 3) {
            rgb_of16(pix16[i], want);
        } else {
            rgb_of32(pix32[i], want);
        }
        if (memcmp(got, want, 3)) {
            snprintf(diff_text, sizeof(diff_text),
                     "pixel %ld is %02x%02x%02x, want %02x%02x%02x", i, got[0],
                     got[1], got[2], want[0], want[1], want[2]);
            return i;
        }
    }
    return -1;
}

static bool check_phase(rfbClient *cl, int phase, int w, int h)
{
    long d = (long)w * h;
    /* A few tries: the size change may come one update late. */
    for (int tries = 0; tries < 20 && d >= 0; tries++) {
        if (!fetch(cl)) {
            snprintf(client_error, sizeof(client_error), "phase %d: no frame",
                     phase);
            return false;
        }
        d = first_diff(cl, w, h, phase);
    }
    if (d >= 0) {
        snprintf(client_error, sizeof(client_error),
                 "phase %d: %dx%d, want %dx%d; %s", phase, cl->width,
                 cl->height, w, h, d < (long)w * h ? diff_text : "");
        return false;
    }
    return true;
}

static void wait_phase(int phase)
{
    for (int i = 0; i < 2000 && atomic_load(&phase_ready) < phase; i++) {
        usleep(10000);
    }
}

/* Each encoding libvncserver offers that is lossless, one client each. */
static const char *const encodings[] = {"raw",  "hextile", "zlib",
                                        "zrle", "tight",   "copyrect raw"};
#define NR_CLIENTS ARRAY_SIZE(encodings)

static void *client_thread(void *opaque)
{
    rfbClient *cls[NR_CLIENTS] = {0};
    static const int sizes[4][2] = {{0, 0}, {W1, H1}, {W1, H1}, {W2, H2}};

    rfbClientLog = quiet;
    rfbClientErr = quiet;
    for (size_t c = 0; c < NR_CLIENTS; c++) {
        rfbClient *cl = rfbGetClient(8, 3, 4);
        cl->GotFrameBufferUpdate = got_rect;
        cl->FinishedFrameBufferUpdate = finished;
        cl->canHandleNewFBSize = TRUE;
        cl->appData.enableJPEG = FALSE; /* tight stays lossless */
        cl->appData.encodingsString = encodings[c];
        cl->serverHost = strdup(sock_path);
        cl->serverPort = 0;
        if (!rfbInitClient(cl, NULL, NULL)) {
            snprintf(client_error, sizeof(client_error), "%s: cannot connect",
                     encodings[c]);
            atomic_store(&phase_done, -1);
            goto out;
        }
        cls[c] = cl;
        wait_frame(cl, (long)cl->width * cl->height);
    }
    for (int phase = 1; phase <= 3; phase++) {
        wait_phase(phase);
        for (size_t c = 0; c < NR_CLIENTS; c++) {
            if (!check_phase(cls[c], phase, sizes[phase][0], sizes[phase][1])) {
                char e[sizeof(client_error)];
                snprintf(e, sizeof(e), "%s", client_error);
                snprintf(client_error, sizeof(client_error), "%s: %.150s",
                         encodings[c], e);
                atomic_store(&phase_done, -1);
                goto out;
            }
        }
        atomic_store(&phase_done, phase);
    }
out:
    for (size_t c = 0; c < NR_CLIENTS; c++) {
        if (cls[c]) {
            rfbClientCleanup(cls[c]);
        }
    }
    return NULL;
}

/* ---- the emulator side (main thread, under the global lock) -------------
 */

static void test_pixels(void)
{
    static const GraphicHwOps ops = {0};
    Error *err = NULL;
    char dir[] = "/tmp/emu-test-vnc.XXXXXX";

    CHECK(mkdtemp(dir) != NULL);
    snprintf(sock_path, sizeof(sock_path), "%s/sock", dir);

    /* Phase 1: a 16-bit surface with a pattern in every channel. */
    for (int y = 0; y < H1; y++) {
        for (int x = 0; x < W1; x++) {
            pix16[y * W1 + x] =
                (uint16_t)((x & 31) << 11 | ((x + y) & 63) << 5 | (y & 31));
        }
    }
    Console *con = graphic_console_init("test", &ops, NULL);
    CHECK(con != NULL);
    dpy_gfx_replace_surface(con,
                            surface_create_from_data(W1, H1, PIXMAN_r5g6b5,
                                                     W1 * 2, (uint8_t *)pix16));
    char spec[80];
    snprintf(spec, sizeof(spec), "unix:%s", sock_path);
    if (vnc_display_init(spec, &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s", error_get_pretty(err));
        error_free(err);
        return;
    }
    atomic_store(&phase_ready, 1);

    pthread_t th;
    pthread_create(&th, NULL, client_thread, NULL);
    int done = 0;
    for (int i = 0; i < 2000 && done >= 0 && done < 3; i++) {
        main_loop_iterate(10);
        done = atomic_load(&phase_done);
        if (done == 1 && atomic_load(&phase_ready) == 1) {
            /* Phase 2: a rectangle changes and is reported. */
            for (int y = 10; y < 18; y++) {
                for (int x = 20; x < 28; x++) {
                    pix16[y * W1 + x] = 0xF81F; /* magenta */
                }
            }
            dpy_gfx_update(con, 20, 10, 8, 8);
            atomic_store(&phase_ready, 2);
        } else if (done == 2 && atomic_load(&phase_ready) == 2) {
            /* Phase 3: a new mode, 32 bits and another size. */
            for (int i = 0; i < W2 * H2; i++) {
                pix32[i] = (uint32_t)(i * 2654435761u) & 0xFFFFFF;
            }
            dpy_gfx_replace_surface(
                con, surface_create_from_data(W2, H2, PIXMAN_x8r8g8b8, W2 * 4,
                                              (uint8_t *)pix32));
            atomic_store(&phase_ready, 3);
        }
    }
    /* Let the client's last messages through, then it leaves. */
    if (done < 0 || done < 3) {
        atomic_store(&phase_ready, 99);
    }
    for (int i = 0; i < 50; i++) {
        main_loop_iterate(10);
    }
    pthread_join(th, NULL);
    if (done != 3) {
        test_fail(__FILE__, __LINE__, "client stopped at phase %d: %s", done,
                  client_error);
    }
    unlink(sock_path);
    rmdir(dir);
}
#endif

int main(int argc, char **argv)
{
    test_init(argc, argv);
#ifdef CONFIG_VNC
    main_loop_init();
    if (getenv("VNC_TRACE")) { /* libvncserver's log on stderr */
        trace_enable_pattern("vnc_rfb_log", true);
    }
    bql_lock();
    TEST_RUN(test_pixels);
    return test_finish();
#else
    printf("SKIP: built without libvncserver\n");
    return 77;
#endif
}
