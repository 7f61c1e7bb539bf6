/* The C contender: libfcgi, a fixed set of threads each looping on FCGX_Accept_r over the
 * shared listening socket (the library's multi-threaded model); a thread keeps its connection
 * while the web server keeps it open (FCGI_KEEP_CONN).
 *
 * One handler per shape of benchmarks/load/run.sh, answering the same bytes as every other
 * contender. JSON and forms are parsed plainly by hand (no library, no SIMD, no tricks the
 * other contenders lack): a recursive-descent JSON reader that decodes what the shape needs and
 * skips the rest, and a form reader that splits on '&' and '=' and percent-decodes. */
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SMALL_BODY 65536
#define MAX_PAYLOAD (1 << 20)
#define MAX_STRING 1024

static int listen_fd;
static char payload[MAX_PAYLOAD];

/* ---- output ----------------------------------------------------------------------------- */

static void answer(FCGX_Request *r, const char *status, const char *type, const char *body, size_t length)
{
    /* snprintf, not FCGX_FPrintF: libfcgi's own formatter knows no %zu. */
    char head[256];
    int n = snprintf(head, sizeof head, "%s%s%sContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
                     status ? "Status: " : "", status ? status : "", status ? "\r\n" : "", type, length);
    FCGX_PutStr(head, n, r->out);
    FCGX_PutStr(body, (int)length, r->out);
}

static void answer_text(FCGX_Request *r, const char *status, const char *text)
{
    answer(r, status, "text/plain; charset=utf-8", text, strlen(text));
}

/* A growing output buffer for JSON answers (fixed capacity; answers here are small). */
struct out {
    char data[4096];
    size_t length;
    int overflow;
};

static void out_bytes(struct out *o, const char *s, size_t n)
{
    if (o->length + n > sizeof o->data) {
        o->overflow = 1;
        return;
    }
    memcpy(o->data + o->length, s, n);
    o->length += n;
}

static void out_str(struct out *o, const char *s) { out_bytes(o, s, strlen(s)); }

static void out_long(struct out *o, long long v)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%lld", v);
    out_bytes(o, digits, (size_t)n);
}

/* A JSON string: quotes, and the escapes JSON requires (quote, backslash, control characters). */
static void out_json_string(struct out *o, const char *s, size_t n)
{
    out_bytes(o, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = { '\\', (char)c };
            out_bytes(o, e, 2);
        } else if (c < 0x20) {
            char e[8];
            snprintf(e, sizeof e, "\\u%04x", c);
            out_bytes(o, e, 6);
        } else {
            out_bytes(o, (const char *)&s[i], 1);
        }
    }
    out_bytes(o, "\"", 1);
}

static void answer_json(FCGX_Request *r, struct out *o)
{
    if (o->overflow)
        answer_text(r, "500 Internal Server Error", "answer too large");
    else
        answer(r, NULL, "application/json; charset=utf-8", o->data, o->length);
}

/* ---- input ------------------------------------------------------------------------------ */

/* Reads the whole body into buf; -1 when it is larger than cap. */
static long read_body(FCGX_Request *r, char *buf, long cap)
{
    long total = 0;
    for (;;) {
        if (total == cap) {
            char probe;
            return FCGX_GetStr(&probe, 1, r->in) == 0 ? total : -1;
        }
        int n = FCGX_GetStr(buf + total, (int)(cap - total), r->in);
        if (n <= 0)
            return total;
        total += n;
    }
}

/* Strict decimal integer over [s, s + n): optional '-', digits only. */
static int parse_int(const char *s, size_t n, long long *value)
{
    size_t i = 0;
    int negative = 0;
    long long v = 0;
    if (i < n && s[i] == '-') {
        negative = 1;
        i++;
    }
    if (i == n || n - i > 18)
        return 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *value = negative ? -v : v;
    return 1;
}

/* ---- JSON ------------------------------------------------------------------------------- */

struct json {
    const char *p, *end;
};

static void json_ws(struct json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int json_expect(struct json *j, char c)
{
    json_ws(j);
    if (j->p < j->end && *j->p == c) {
        j->p++;
        return 1;
    }
    return 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A string, decoded into out (UTF-8) when out is not NULL; *length gets the decoded length. */
static int json_string(struct json *j, char *out, size_t cap, size_t *length)
{
    size_t n = 0;
    if (!json_expect(j, '"'))
        return 0;
    while (j->p < j->end && *j->p != '"') {
        unsigned char raw = (unsigned char)*j->p++;
        char utf8[3];
        size_t m = 1;
        if (raw < 0x20)
            return 0;
        utf8[0] = (char)raw; /* a byte as it is, UTF-8 sequences included */
        if (raw == '\\') {
            if (j->p >= j->end)
                return 0;
            char e = *j->p++;
            unsigned long c;
            switch (e) {
            case '"': case '\\': case '/': c = (unsigned char)e; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u':
                if (j->end - j->p < 4)
                    return 0;
                c = 0;
                for (int k = 0; k < 4; k++) {
                    int h = hex_value(*j->p++);
                    if (h < 0)
                        return 0;
                    c = c * 16 + (unsigned long)h;
                }
                break; /* a surrogate pair becomes two 3-byte sequences: enough for this benchmark */
            default:
                return 0;
            }
            if (c < 0x80) {
                utf8[0] = (char)c;
            } else if (c < 0x800) {
                utf8[0] = (char)(0xC0 | (c >> 6));
                utf8[1] = (char)(0x80 | (c & 0x3F));
                m = 2;
            } else {
                utf8[0] = (char)(0xE0 | (c >> 12));
                utf8[1] = (char)(0x80 | ((c >> 6) & 0x3F));
                utf8[2] = (char)(0x80 | (c & 0x3F));
                m = 3;
            }
        }
        if (out) {
            if (n + m > cap)
                return 0;
            memcpy(out + n, utf8, m);
        }
        n += m;
    }
    if (j->p >= j->end)
        return 0;
    j->p++;
    if (length)
        *length = n;
    return 1;
}

/* A number; *value gets it when it is an integer, *is_integer says whether it was. */
static int json_number(struct json *j, long long *value, int *is_integer)
{
    json_ws(j);
    const char *start = j->p;
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p >= j->end || *j->p < '0' || *j->p > '9')
        return 0;
    if (*j->p == '0')
        j->p++;
    else
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    const char *integer_end = j->p;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return 0;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return 0;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    *is_integer = integer_end == j->p && parse_int(start, (size_t)(j->p - start), value);
    return 1;
}

static int json_literal(struct json *j, const char *word)
{
    size_t n = strlen(word);
    json_ws(j);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
        return 0;
    j->p += n;
    return 1;
}

static int json_skip(struct json *j, int depth)
{
    long long ignored;
    int is_integer;
    if (depth > 64)
        return 0;
    json_ws(j);
    if (j->p >= j->end)
        return 0;
    switch (*j->p) {
    case '"':
        return json_string(j, NULL, 0, NULL);
    case '{':
        j->p++;
        if (json_expect(j, '}'))
            return 1;
        do {
            if (!json_string(j, NULL, 0, NULL) || !json_expect(j, ':') || !json_skip(j, depth + 1))
                return 0;
        } while (json_expect(j, ','));
        return json_expect(j, '}');
    case '[':
        j->p++;
        if (json_expect(j, ']'))
            return 1;
        do {
            if (!json_skip(j, depth + 1))
                return 0;
        } while (json_expect(j, ','));
        return json_expect(j, ']');
    case 't': return json_literal(j, "true");
    case 'f': return json_literal(j, "false");
    case 'n': return json_literal(j, "null");
    default: return json_number(j, &ignored, &is_integer);
    }
}

/* An object's key, compared with want (keys here are plain ASCII). */
static int json_key(struct json *j, char *key, size_t cap, size_t *length)
{
    return json_string(j, key, cap, length) && json_expect(j, ':');
}

static int json_int(struct json *j, long long *value)
{
    int is_integer;
    return json_number(j, value, &is_integer) && is_integer;
}

struct order {
    long long id;
    char customer[MAX_STRING];
    size_t customer_length;
    long long items, quantity, total;
};

static int json_item(struct json *j, struct order *o)
{
    char key[64];
    size_t n;
    long long quantity = 0, price = 0;
    if (!json_expect(j, '{'))
        return 0;
    if (!json_expect(j, '}')) {
        do {
            if (!json_key(j, key, sizeof key, &n))
                return 0;
            if (n == 8 && memcmp(key, "quantity", 8) == 0) {
                if (!json_int(j, &quantity))
                    return 0;
            } else if (n == 5 && memcmp(key, "price", 5) == 0) {
                if (!json_int(j, &price))
                    return 0;
            } else if (!json_skip(j, 2)) {
                return 0;
            }
        } while (json_expect(j, ','));
        if (!json_expect(j, '}'))
            return 0;
    }
    o->items++;
    o->quantity += quantity;
    o->total += quantity * price;
    return 1;
}

static int json_order(struct json *j, struct order *o)
{
    char key[64];
    size_t n;
    int have_id = 0, have_customer = 0, have_items = 0;
    memset(o, 0, sizeof *o);
    if (!json_expect(j, '{'))
        return 0;
    if (!json_expect(j, '}')) {
        do {
            if (!json_key(j, key, sizeof key, &n))
                return 0;
            if (n == 2 && memcmp(key, "id", 2) == 0) {
                if (!json_int(j, &o->id))
                    return 0;
                have_id = 1;
            } else if (n == 8 && memcmp(key, "customer", 8) == 0) {
                if (!json_string(j, o->customer, sizeof o->customer, &o->customer_length))
                    return 0;
                have_customer = 1;
            } else if (n == 5 && memcmp(key, "items", 5) == 0) {
                if (!json_expect(j, '['))
                    return 0;
                if (!json_expect(j, ']')) {
                    do {
                        if (!json_item(j, o))
                            return 0;
                    } while (json_expect(j, ','));
                    if (!json_expect(j, ']'))
                        return 0;
                }
                have_items = 1;
            } else if (!json_skip(j, 1)) {
                return 0;
            }
        } while (json_expect(j, ','));
        if (!json_expect(j, '}'))
            return 0;
    }
    json_ws(j);
    return have_id && have_customer && have_items && j->p == j->end;
}

/* ---- forms ------------------------------------------------------------------------------ */

/* Percent-decodes [s, s + n) into out, '+' as a space; malformed escapes are kept as they are. */
static size_t form_decode(const char *s, size_t n, char *out)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = hex_value(s[i + 1])) >= 0 && (lo = hex_value(s[i + 2])) >= 0) {
            out[w++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[w++] = s[i] == '+' ? ' ' : s[i];
        }
    }
    return w;
}

static const char *const form_keys[10] = { "name", "email", "age", "city", "country", "lang", "newsletter", "plan", "seats", "comment" };

struct form {
    char value[10][MAX_STRING];
    size_t length[10];
    int present[10];
};

static int read_form(const char *body, size_t n, struct form *f)
{
    memset(f->present, 0, sizeof f->present);
    const char *p = body, *end = body + n;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *pair_end = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(pair_end - p));
        const char *key_end = eq ? eq : pair_end;
        char key[64];
        if ((size_t)(key_end - p) <= sizeof key) {
            size_t key_length = form_decode(p, (size_t)(key_end - p), key);
            for (int k = 0; k < 10; k++) {
                if (!f->present[k] && strlen(form_keys[k]) == key_length && memcmp(form_keys[k], key, key_length) == 0) {
                    const char *v = eq ? eq + 1 : pair_end;
                    if ((size_t)(pair_end - v) > MAX_STRING)
                        return 0;
                    f->length[k] = form_decode(v, (size_t)(pair_end - v), f->value[k]);
                    f->present[k] = 1;
                    break;
                }
            }
        }
        p = amp ? amp + 1 : end;
    }
    for (int k = 0; k < 10; k++)
        if (!f->present[k])
            return 0;
    return 1;
}

/* ---- handlers --------------------------------------------------------------------------- */

struct scratch {
    char body[MAX_SMALL_BODY];
    char chunk[65536];
    struct order order;
    struct form form;
    struct out out;
};

static void handle(FCGX_Request *r, struct scratch *s)
{
    const char *uri = FCGX_GetParam("REQUEST_URI", r->envp);
    const char *method = FCGX_GetParam("REQUEST_METHOD", r->envp);
    if (!uri || !method) {
        answer_text(r, "400 Bad Request", "no REQUEST_URI");
        return;
    }
    size_t path_length = strcspn(uri, "?");
    int post = strcmp(method, "POST") == 0;
    s->out.length = 0;
    s->out.overflow = 0;

    if (path_length == 6 && memcmp(uri, "/hello", 6) == 0) {
        answer_text(r, NULL, "Hello, World!");
    } else if (path_length > 7 && memcmp(uri, "/users/", 7) == 0) {
        long long id;
        if (!parse_int(uri + 7, path_length - 7, &id)) {
            answer_text(r, "400 Bad Request", "bad id");
            return;
        }
        struct out *o = &s->out;
        out_str(o, "{\"id\":");
        out_long(o, id);
        out_str(o, ",\"name\":\"user");
        out_long(o, id);
        out_str(o, "\",\"email\":\"user");
        out_long(o, id);
        out_str(o, "@example.com\",\"active\":true}");
        answer_json(r, o);
    } else if (post && path_length == 5 && memcmp(uri, "/json", 5) == 0) {
        long n = read_body(r, s->body, sizeof s->body);
        struct json j = { s->body, s->body + (n < 0 ? 0 : n) };
        if (n < 0 || !json_order(&j, &s->order)) {
            answer_text(r, "400 Bad Request", "bad order");
            return;
        }
        struct out *o = &s->out;
        out_str(o, "{\"id\":");
        out_long(o, s->order.id);
        out_str(o, ",\"customer\":");
        out_json_string(o, s->order.customer, s->order.customer_length);
        out_str(o, ",\"items\":");
        out_long(o, s->order.items);
        out_str(o, ",\"quantity\":");
        out_long(o, s->order.quantity);
        out_str(o, ",\"total\":");
        out_long(o, s->order.total);
        out_str(o, "}");
        answer_json(r, o);
    } else if (post && path_length == 5 && memcmp(uri, "/form", 5) == 0) {
        long n = read_body(r, s->body, sizeof s->body);
        struct form *f = &s->form;
        long long age, seats;
        int newsletter;
        if (n < 0 || !read_form(s->body, (size_t)n, f) ||
            !parse_int(f->value[2], f->length[2], &age) || !parse_int(f->value[8], f->length[8], &seats)) {
            answer_text(r, "400 Bad Request", "bad form");
            return;
        }
        if (f->length[6] == 4 && strncasecmp(f->value[6], "true", 4) == 0)
            newsletter = 1;
        else if (f->length[6] == 5 && strncasecmp(f->value[6], "false", 5) == 0)
            newsletter = 0;
        else {
            answer_text(r, "400 Bad Request", "bad form");
            return;
        }
        struct out *o = &s->out;
        out_str(o, "{\"name\":");
        out_json_string(o, f->value[0], f->length[0]);
        out_str(o, ",\"email\":");
        out_json_string(o, f->value[1], f->length[1]);
        out_str(o, ",\"age\":");
        out_long(o, age);
        out_str(o, ",\"city\":");
        out_json_string(o, f->value[3], f->length[3]);
        out_str(o, ",\"country\":");
        out_json_string(o, f->value[4], f->length[4]);
        out_str(o, ",\"lang\":");
        out_json_string(o, f->value[5], f->length[5]);
        out_str(o, newsletter ? ",\"newsletter\":true" : ",\"newsletter\":false");
        out_str(o, ",\"plan\":");
        out_json_string(o, f->value[7], f->length[7]);
        out_str(o, ",\"seats\":");
        out_long(o, seats);
        out_str(o, ",\"comment\":");
        out_json_string(o, f->value[9], f->length[9]);
        out_str(o, "}");
        answer_json(r, o);
    } else if (path_length > 7 && memcmp(uri, "/bytes/", 7) == 0) {
        long long n;
        if (!parse_int(uri + 7, path_length - 7, &n) || n < 0 || n > MAX_PAYLOAD) {
            answer_text(r, "400 Bad Request", "n must be between 0 and 1048576.");
            return;
        }
        answer(r, NULL, "application/octet-stream", payload, (size_t)n);
    } else if (post && path_length == 7 && memcmp(uri, "/upload", 7) == 0) {
        long long bytes = 0, sum = 0;
        int n;
        while ((n = FCGX_GetStr(s->chunk, (int)sizeof s->chunk, r->in)) > 0) {
            for (int i = 0; i < n; i++)
                sum += (unsigned char)s->chunk[i];
            bytes += n;
        }
        struct out *o = &s->out;
        out_str(o, "{\"bytes\":");
        out_long(o, bytes);
        out_str(o, ",\"sum\":");
        out_long(o, sum);
        out_str(o, "}");
        answer_json(r, o);
    } else {
        answer_text(r, "404 Not Found", "Not Found");
    }
}

static void *serve(void *unused)
{
    (void)unused;
    FCGX_Request request;
    struct scratch *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    FCGX_InitRequest(&request, listen_fd, 0);
    for (;;) {
        /* No lock around accept (libfcgi's example has one): with a kept connection,
         * FCGX_Accept_r waits for that connection's next request, and a lock held meanwhile
         * would stall every other thread. Linux wakes one acceptor per connection. */
        if (FCGX_Accept_r(&request) < 0)
            break;
        handle(&request, s);
        FCGX_Finish_r(&request);
    }
    free(s);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SOCKET THREADS\n", argv[0]);
        return 2;
    }
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
    for (int i = 0; i < MAX_PAYLOAD; i++)
        payload[i] = alphabet[i & 63];
    int threads = atoi(argv[2]);
    unlink(argv[1]);
    FCGX_Init();
    /* libfcgi catches SIGTERM to finish the current request and then waits in accept for ever;
     * the benchmark stops contenders with SIGTERM. */
    signal(SIGTERM, SIG_DFL);
    listen_fd = FCGX_OpenSocket(argv[1], 1024);
    if (listen_fd < 0)
        return 1;
    chmod(argv[1], 0777);
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    for (int i = 0; i < threads; i++)
        pthread_create(&ids[i], NULL, serve, NULL);
    for (int i = 0; i < threads; i++)
        pthread_join(ids[i], NULL);
    return 0;
}
