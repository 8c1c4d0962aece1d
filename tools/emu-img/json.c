/*
 * The JSON of --output=json, laid out as qemu-img prints it: four spaces
 * per level, "key": value, one member per line.  Only what emu-img needs
 * (objects, arrays, strings, integers, booleans); strings are escaped as
 * RFC 8259 requires.
 */
#include "emu-img.h"

void json_init(ImgJson *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    j->first = true;
}

static void put_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (*p < 0x20) {
                fprintf(f, "\\u%04x", *p);
            } else {
                fputc(*p, f);
            }
        }
    }
    fputc('"', f);
}

/* The separator, indentation and "key": of a new member (key NULL in an
 * array or at the top). */
static void member(ImgJson *j, const char *key)
{
    if (j->depth > 0) {
        fputs(j->first ? "\n" : ",\n", j->f);
        fprintf(j->f, "%*s", 4 * j->depth, "");
    }
    if (key) {
        put_string(j->f, key);
        fputs(": ", j->f);
    }
    j->first = false;
}

static void open_level(ImgJson *j, const char *key, char c)
{
    member(j, key);
    fputc(c, j->f);
    j->depth++;
    j->first = true;
}

static void close_level(ImgJson *j, char c)
{
    j->depth--;
    if (!j->first) {
        fprintf(j->f, "\n%*s", 4 * j->depth, "");
    }
    fputc(c, j->f);
    j->first = false;
}

void json_begin_object(ImgJson *j, const char *key)
{
    open_level(j, key, '{');
}

void json_end_object(ImgJson *j)
{
    close_level(j, '}');
}

void json_begin_array(ImgJson *j, const char *key)
{
    open_level(j, key, '[');
}

void json_end_array(ImgJson *j)
{
    close_level(j, ']');
}

void json_str(ImgJson *j, const char *key, const char *v)
{
    member(j, key);
    put_string(j->f, v);
}

void json_int(ImgJson *j, const char *key, int64_t v)
{
    member(j, key);
    fprintf(j->f, "%" PRId64, v);
}

void json_bool(ImgJson *j, const char *key, bool v)
{
    member(j, key);
    fputs(v ? "true" : "false", j->f);
}

void json_finish(ImgJson *j)
{
    fputc('\n', j->f);
    j->first = true;
}
