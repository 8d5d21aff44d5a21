/*
 * server/page.c — the HTML pages, rendered on the server so that everything works without
 * JavaScript: the search page (/, /sok) and the ärende page (/arende.html?key=…&q=…).
 *
 * The page shells live in web/index.html and web/arende.html; markers {{name}} in them are
 * replaced by escaped values or by the rendered fragments below. The web UI's JavaScript
 * (web/app.js) renders the same markup from /api/search when it takes over, so both must keep
 * the same class names.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static const char *const months[] = {"januari",   "februari", "mars",     "april",
                                     "maj",       "juni",     "juli",     "augusti",
                                     "september", "oktober",  "november", "december"};

/* "2023-11-01" → "1 november 2023" inside <time>. */
static void put_date(ps_buf *b, const char *date)
{
    if (!date)
        return;
    int y, m, d;
    ps_buf_puts(b, "<time datetime=\"");
    ps_srv_escape(b, date);
    ps_buf_puts(b, "\">");
    if (strlen(date) == 10 && sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 && m <= 12)
        ps_buf_printf(b, "%d %s %d", d, months[m - 1], y);
    else
        ps_srv_escape(b, date);
    ps_buf_puts(b, "</time>");
}

typedef struct {
    const char *text;
    size_t len;
    const json_t *matches;
    size_t next; /* index of the next match to open */
    size_t mark_end;
    bool in_mark;
    bool anchor; /* give the first mark id="traff-1" (the ärende page's skip link target) */
} marker;

static size_t match_at(const marker *m, size_t i, int which)
{
    json_t *r = json_array_get(m->matches, i);
    json_int_t v = json_integer_value(json_array_get(r, (size_t)which));
    return v < 0 ? 0 : (size_t)v;
}

/* Escaped text [from, to) with <mark> around matches; in a block, paragraphs at blank lines
 * and <br> at line ends, with a mark closed and reopened across a paragraph break so the HTML
 * stays well nested; inline (a title), line ends become spaces. */
static void marked(ps_buf *b, marker *m, size_t from, size_t to, bool block)
{
    if (block)
        ps_buf_puts(b, "<p>");
    if (m->in_mark)
        ps_buf_puts(b, "<mark>");
    size_t nm = json_array_size(m->matches);
    for (size_t i = from; i < to; i++) {
        while (!m->in_mark && m->next < nm && match_at(m, m->next, 1) <= i)
            m->next++;
        if (!m->in_mark && m->next < nm && match_at(m, m->next, 0) == i) {
            m->mark_end = match_at(m, m->next, 1);
            m->next++;
            m->in_mark = true;
            ps_buf_puts(b, m->anchor ? "<mark id=\"traff-1\">" : "<mark>");
            m->anchor = false;
        }
        char ch = m->text[i];
        if (block && ch == '\n' && i + 1 < to && m->text[i + 1] == '\n') {
            while (i + 1 < to && m->text[i + 1] == '\n')
                i++;
            ps_buf_puts(b, m->in_mark ? "</mark></p><p><mark>" : "</p><p>");
        } else if (ch == '\n') {
            ps_buf_puts(b, block ? "<br>" : " ");
        } else {
            char one[2] = {ch, 0};
            ps_srv_escape(b, one);
        }
        if (m->in_mark && i + 1 >= m->mark_end) {
            ps_buf_puts(b, "</mark>");
            m->in_mark = false;
        }
    }
    if (m->in_mark)
        ps_buf_puts(b, "</mark>");
    if (block)
        ps_buf_puts(b, "</p>");
}

static void marked_span(ps_buf *b, marker *m, size_t from, size_t to)
{
    while (from < to && (m->text[from] == '\n' || m->text[from] == ' '))
        from++;
    while (to > from && (m->text[to - 1] == '\n' || m->text[to - 1] == ' '))
        to--;
    if (from < to)
        marked(b, m, from, to, true);
}

/* --- templates -------------------------------------------------------------------------------- */

/* Replace {{name}} markers in the web/ template by the values in vars (name, html pairs). */
static enum MHD_Result render(ps_srv_ctx *c, unsigned status, const char *tmpl,
                              const char *const *vars)
{
    size_t len;
    char *t = ps_srv_read_web_file(c->srv, tmpl, &len);
    if (!t)
        return ps_srv_error(c, 500, "no_template", "Webbsidans mall saknas.",
                            "The page template is missing from the web directory.");
    ps_buf b = PS_BUF_INIT;
    const char *p = t;
    for (const char *open; (open = strstr(p, "{{")) != NULL;) {
        const char *close = strstr(open + 2, "}}");
        if (!close)
            break;
        ps_buf_append(&b, p, (size_t)(open - p));
        size_t n = (size_t)(close - open - 2);
        for (size_t i = 0; vars[i]; i += 2)
            if (strlen(vars[i]) == n && strncmp(vars[i], open + 2, n) == 0)
                ps_buf_puts(&b, vars[i + 1] ? vars[i + 1] : "");
        p = close + 2;
    }
    ps_buf_puts(&b, p);
    free(t);
    enum MHD_Result res =
        b.failed ? ps_srv_error(c, 500, "internal", "Internt fel.", "Internal error.")
                 : ps_srv_reply(c, status, "text/html; charset=utf-8", b.data, b.len, NULL);
    ps_buf_free(&b);
    return res;
}

static char *escaped(const char *s)
{
    ps_buf b = PS_BUF_INIT;
    ps_buf_puts(&b, "");
    ps_srv_escape(&b, s ? s : "");
    return ps_buf_steal(&b, NULL);
}

/* --- the search page -------------------------------------------------------------------------- */

static void search_link(ps_srv_ctx *c, ps_buf *b, const char *const *override)
{
    ps_buf qs = PS_BUF_INIT;
    ps_srv_query_string(c, &qs, override);
    ps_buf_puts(b, "/sok");
    if (qs.len) {
        ps_buf_putc(b, '?');
        ps_srv_escape(b, qs.data);
    }
    ps_buf_free(&qs);
}

static void arende_link(ps_buf *b, const char *key, const char *q)
{
    ps_buf u = PS_BUF_INIT;
    ps_buf_puts(&u, "/arende.html?key=");
    ps_srv_url_encode(&u, key ? key : "");
    if (q && *q) {
        ps_buf_puts(&u, "&q=");
        ps_srv_url_encode(&u, q);
    }
    ps_srv_escape(b, u.data ? u.data : "");
    ps_buf_free(&u);
}

/* "243" is shown as "§ 243"; a value that already has the sign keeps it. */
static const char *paragraf_prefix(const char *p)
{
    return p && strncmp(p, "§", strlen("§")) != 0 ? "§ " : "";
}

static void meta_item(ps_buf *b, const char *cls, const char *prefix, const char *value)
{
    if (!value)
        return;
    ps_buf_printf(b, "<span class=\"%s\">%s", cls, prefix);
    ps_srv_escape(b, value);
    ps_buf_puts(b, "</span>");
}

static void card(ps_buf *b, const json_t *hit, const char *q)
{
    const char *title = str(hit, "title");
    ps_buf_puts(b, "<li class=\"kort\"><article><h3><a href=\"");
    arende_link(b, str(hit, "key"), q);
    ps_buf_puts(b, "\">");
    if (title) {
        marker tm = {title, strlen(title), json_object_get(hit, "title_matches"), 0, 0,
                     false, false};
        marked(b, &tm, 0, tm.len, false);
    } else {
        ps_srv_escape(b, str(hit, "dnr") ? str(hit, "dnr") : "Ärende utan rubrik");
    }
    ps_buf_puts(b, "</a></h3><p class=\"meta\">");
    meta_item(b, "paragraf", paragraf_prefix(str(hit, "paragraf")), str(hit, "paragraf"));
    meta_item(b, "dnr", "Dnr ", str(hit, "dnr"));
    meta_item(b, "namnd", "", str(hit, "namnd"));
    meta_item(b, "kommun", "", str(hit, "kommun"));
    if (str(hit, "date")) {
        ps_buf_puts(b, "<span class=\"datum\">");
        put_date(b, str(hit, "date"));
        ps_buf_puts(b, "</span>");
    }
    meta_item(b, "typ", "", str(hit, "type"));
    ps_buf_puts(b, "</p>");
    size_t i;
    json_t *ex;
    json_array_foreach(json_object_get(hit, "excerpts"), i, ex)
    {
        const char *text = str(ex, "text");
        if (!text)
            continue;
        /* The excerpt is cut from the text; the search module marks the cuts in "html". */
        const char *html = str(ex, "html");
        size_t hl = html ? strlen(html) : 0;
        const char *ell = "…";
        size_t el = strlen(ell);
        marker m = {text, strlen(text), json_object_get(ex, "matches"), 0, 0, false, false};
        ps_buf_puts(b, "<div class=\"utdrag\"><p>");
        if (hl >= el && strncmp(html, ell, el) == 0)
            ps_buf_puts(b, "… ");
        marked(b, &m, 0, m.len, false);
        if (hl >= el && strcmp(html + hl - el, ell) == 0)
            ps_buf_puts(b, " …");
        ps_buf_puts(b, "</p></div>");
    }
    ps_buf_puts(b, "</article></li>");
}

typedef struct {
    const char *field; /* key in "facets" */
    const char *param; /* request parameter it sets */
    const char *heading;
} facet_kind;

static const facet_kind facet_kinds[] = {
    {"kommun", "kommun", "Kommun"},
    {"namnd", "namnd", "Nämnd"},
    {"year", NULL, "År"},
    {"type", "typ", "Typ av handling"},
};

static void facet_list(ps_srv_ctx *c, ps_buf *b, const facet_kind *k, const json_t *values)
{
    if (!json_array_size(values))
        return;
    ps_buf_printf(b, "<section class=\"facett\"><h3>%s</h3><ul>", k->heading);
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v)
    {
        const char *value = str(v, "value");
        if (!value)
            continue;
        char from[16], to[16];
        snprintf(from, sizeof from, "%.4s-01-01", value);
        snprintf(to, sizeof to, "%.4s-12-31", value);
        bool selected;
        const char *on[7] = {NULL};
        const char *off[7] = {NULL};
        if (k->param) {
            const char *cur = ps_srv_param(c, k->param);
            selected = cur && strcmp(cur, value) == 0;
            on[0] = k->param, on[1] = value, on[2] = "offset", on[3] = NULL;
            off[0] = k->param, off[1] = NULL, off[2] = "offset", off[3] = NULL;
        } else {
            const char *f = ps_srv_param(c, "from"), *t = ps_srv_param(c, "to");
            selected = f && t && strcmp(f, from) == 0 && strcmp(t, to) == 0;
            on[0] = "from", on[1] = from, on[2] = "to", on[3] = to, on[4] = "offset";
            off[0] = "from", off[2] = "to", off[4] = "offset";
        }
        ps_buf_puts(b, "<li><a href=\"");
        search_link(c, b, selected ? off : on);
        ps_buf_puts(b, selected ? "\" aria-current=\"true\" class=\"vald\">" : "\">");
        ps_buf_puts(b, "<span class=\"varde\">");
        ps_srv_escape(b, value);
        ps_buf_puts(b, "</span> <span class=\"antal\">");
        ps_buf_printf(b, "%lld", (long long)json_integer_value(json_object_get(v, "count")));
        ps_buf_puts(b, "</span>");
        if (selected)
            ps_buf_puts(b,
                        "<span class=\"visually-hidden\"> (vald, klicka för att ta bort)</span>");
        ps_buf_puts(b, "</a></li>");
    }
    ps_buf_puts(b, "</ul></section>");
}

static void facets_html(ps_srv_ctx *c, ps_buf *b, const json_t *facets)
{
    bool any = false;
    for (size_t i = 0; i < sizeof facet_kinds / sizeof facet_kinds[0]; i++)
        any = any || json_array_size(json_object_get(facets, facet_kinds[i].field)) > 0;
    if (!any)
        return;
    ps_buf_puts(b, "<h2>Avgränsa</h2>");
    for (size_t i = 0; i < sizeof facet_kinds / sizeof facet_kinds[0]; i++)
        facet_list(c, b, &facet_kinds[i], json_object_get(facets, facet_kinds[i].field));
}

static void pagination(ps_srv_ctx *c, ps_buf *b, long long total, unsigned offset, unsigned limit)
{
    if (total <= (long long)limit && offset == 0)
        return;
    long long pages = (total + limit - 1) / limit;
    long long page = offset / limit + 1;
    ps_buf_puts(b, "<nav class=\"sidor\" aria-label=\"Sidor\">");
    char num[24];
    if (offset > 0) {
        snprintf(num, sizeof num, "%u", offset > limit ? offset - limit : 0);
        const char *prev[] = {"offset", num, NULL};
        ps_buf_puts(b, "<a rel=\"prev\" href=\"");
        search_link(c, b, prev);
        ps_buf_puts(b, "\">← Föregående</a>");
    }
    ps_buf_printf(b, "<span class=\"sida\">Sida %lld av %lld</span>", page, pages);
    if ((long long)offset + limit < total && offset + limit <= PS_SRV_MAX_OFFSET) {
        snprintf(num, sizeof num, "%u", offset + limit);
        const char *next[] = {"offset", num, NULL};
        ps_buf_puts(b, "<a rel=\"next\" href=\"");
        search_link(c, b, next);
        ps_buf_puts(b, "\">Nästa →</a>");
    }
    ps_buf_puts(b, "</nav>");
}

/* "Över tid": the histogram as an SVG bar chart drawn here (no script needed). Every bar with
 * hits is a link to that period's results, named "2023: 4 ärenden" for screen readers (the
 * drawn numbers and period labels are hidden from them, so nothing is read twice); a period
 * without hits is an image named "2021: inga ärenden". */
static void histogram_html(ps_srv_ctx *c, ps_buf *b, const json_t *histogram)
{
    const json_t *bars = json_object_get(histogram, "bars");
    size_t n = json_array_size(bars);
    if (n < 2)
        return;
    bool months = str(histogram, "unit") && strcmp(str(histogram, "unit"), "month") == 0;
    long long max = 1;
    size_t i;
    json_t *bar;
    json_array_foreach(bars, i, bar)
    {
        long long v = json_integer_value(json_object_get(bar, "count"));
        max = v > max ? v : max;
    }
    const int slot = 40, top = 16, height = 70, base = top + height;
    size_t every = (n + 11) / 12; /* at most about 12 period labels */
    ps_buf_printf(b,
                  "<figure class=\"tidslinje\"><figcaption id=\"tid-rubrik\">Ärenden per %s"
                  "</figcaption><svg class=\"stapeldiagram\" viewBox=\"0 0 %zu %d\" "
                  "aria-labelledby=\"tid-rubrik\" focusable=\"false\">",
                  months ? "månad" : "år", n * slot, base + 20);
    const char *cur_from = ps_srv_param(c, "from"), *cur_to = ps_srv_param(c, "to");
    json_array_foreach(bars, i, bar)
    {
        long long v = json_integer_value(json_object_get(bar, "count"));
        const char *label = str(bar, "label"), *period = str(bar, "period");
        const char *from = str(bar, "from"), *to = str(bar, "to");
        if (!label || !period || !from || !to)
            continue;
        int h = v > 0 ? (int)(v * height / max) : 1;
        h = v > 0 && h < 3 ? 3 : h;
        size_t x = i * slot;
        if (v > 0) {
            bool selected =
                cur_from && cur_to && strcmp(cur_from, from) == 0 && strcmp(cur_to, to) == 0;
            const char *on[] = {"from", from, "to", to, "offset", NULL, NULL};
            ps_buf_puts(b, "<a href=\"");
            search_link(c, b, on);
            ps_buf_printf(b, "\"%s aria-label=\"", selected ? " aria-current=\"true\"" : "");
            ps_srv_escape(b, label);
            ps_buf_printf(b, ": %lld %s\"><title>", v, v == 1 ? "ärende" : "ärenden");
            ps_srv_escape(b, label);
            ps_buf_printf(b, ": %lld %s</title>", v, v == 1 ? "ärende" : "ärenden");
            ps_buf_printf(b,
                          "<rect class=\"stapel\" x=\"%zu\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
                          "<text class=\"stapelantal\" aria-hidden=\"true\" x=\"%zu\" y=\"%d\" "
                          "text-anchor=\"middle\">%lld</text></a>",
                          x + 4, base - h, slot - 8, h, x + slot / 2, base - h - 4, v);
        } else {
            ps_buf_puts(b, "<g role=\"img\" aria-label=\"");
            ps_srv_escape(b, label);
            ps_buf_printf(b,
                          ": inga ärenden\"><rect class=\"noll\" x=\"%zu\" y=\"%d\" "
                          "width=\"%d\" height=\"1\"/></g>",
                          x + 4, base - 1, slot - 8);
        }
        if (i % every == 0) {
            /* "2023", or the month's first three letters ("maj") */
            ps_buf_printf(b,
                          "<text class=\"stapeletikett\" aria-hidden=\"true\" x=\"%zu\" y=\"%d\" "
                          "text-anchor=\"middle\">",
                          x + slot / 2, base + 15);
            if (months)
                ps_buf_append(b, label, strlen(label) >= 3 ? 3 : strlen(label));
            else
                ps_srv_escape(b, period);
            ps_buf_puts(b, "</text>");
        }
    }
    ps_buf_puts(b, "</svg></figure>");
}

/* The "Ladda ner som CSV" link: this search as /api/search?...&format=csv, every hit. */
static void csv_link(ps_srv_ctx *c, ps_buf *b, long long total)
{
    static const char *const all[] = {"offset", NULL, "limit", NULL, NULL};
    ps_buf qs = PS_BUF_INIT;
    ps_srv_query_string(c, &qs, all);
    ps_buf_puts(&qs, qs.len ? "&format=csv" : "format=csv");
    ps_buf_puts(b, "<p class=\"export\"><a href=\"/api/search?");
    ps_srv_escape(b, qs.data ? qs.data : "");
    ps_buf_printf(b, "\" download>Ladda ner som CSV</a> (kalkylark, %s%lld %s)</p>",
                  total > PS_SEARCH_EXPORT_MAX ? "de första " : "",
                  total > PS_SEARCH_EXPORT_MAX ? PS_SEARCH_EXPORT_MAX : total,
                  total == 1 ? "ärende" : "ärenden");
    ps_buf_free(&qs);
}

/* "Menade du förbundet?" with a link, or "Visar resultat för förbundet" with a link back to
 * exactly what was typed (stava=0). */
static void suggestion_html(ps_srv_ctx *c, ps_buf *b, const json_t *sugg, const char *typed)
{
    const char *fix = str(sugg, "query");
    if (!fix)
        return;
    bool applied = json_is_true(json_object_get(sugg, "applied"));
    const char *to_fix[] = {"q", fix, "offset", NULL, "stava", NULL, NULL};
    const char *to_typed[] = {"q", typed, "offset", NULL, "stava", "0", NULL};
    ps_buf_puts(b, "<p class=\"stavning\">");
    if (applied) {
        ps_buf_puts(b, "Visar resultat för <strong>");
        ps_srv_escape(b, fix);
        ps_buf_puts(b, "</strong>. Inga träffar på det du skrev; sök ändå på <a href=\"");
        search_link(c, b, to_typed);
        ps_buf_puts(b, "\">");
        ps_srv_escape(b, typed ? typed : "");
        ps_buf_puts(b, "</a>.");
    } else {
        ps_buf_puts(b, "Menade du <a href=\"");
        search_link(c, b, to_fix);
        ps_buf_puts(b, "\">");
        ps_srv_escape(b, fix);
        ps_buf_puts(b, "</a>?");
    }
    ps_buf_puts(b, "</p>");
}

/* What the abbreviations added: "Söker också på Inspektionen för vård och omsorg (IVO är en
 * förkortning av det)." / "Söker också på förkortningen IVO." */
static void expansions_html(ps_buf *b, const json_t *expansions)
{
    size_t i;
    json_t *e;
    json_array_foreach(expansions, i, e)
    {
        const json_t *also = json_object_get(e, "also");
        bool full = str(e, "kind") && strcmp(str(e, "kind"), "full") == 0;
        if (!str(e, "typed") || !json_array_size(also))
            continue;
        ps_buf_puts(b, full ? "<p class=\"forkortning\">Söker också på förkortningen "
                            : "<p class=\"forkortning\">Söker också på ");
        size_t j;
        json_t *a;
        json_array_foreach(also, j, a)
        {
            if (j)
                ps_buf_puts(b, j + 1 == json_array_size(also) ? " och " : ", ");
            ps_buf_puts(b, "<strong>");
            ps_srv_escape(b, json_string_value(a) ? json_string_value(a) : "");
            ps_buf_puts(b, "</strong>");
        }
        if (!full) {
            ps_buf_puts(b, " (<abbr>");
            ps_srv_escape(b, str(e, "typed"));
            ps_buf_puts(b, "</abbr> är en förkortning)");
        }
        ps_buf_puts(b, ". Träffar på det du skrev visas först.</p>");
    }
}

static void results_html(ps_srv_ctx *c, ps_buf *b, ps_buf *count, const json_t *out,
                         const ps_search_request *req)
{
    long long total = json_integer_value(json_object_get(out, "total"));
    const json_t *hits = json_object_get(out, "hits");
    const json_t *sugg = json_object_get(out, "suggestion");
    /* the words the results are for: the suggestion's when it was searched instead */
    const char *q = json_is_true(json_object_get(sugg, "applied")) ? str(sugg, "query") : req->q;
    if (total == 0)
        ps_buf_puts(count, "Inga ärenden hittades");
    else
        ps_buf_printf(count, "%s%lld %s",
                      json_is_false(json_object_get(out, "total_exact")) ? "Cirka " : "", total,
                      total == 1 ? "ärende" : "ärenden");
    if (q && *q) {
        ps_buf_puts(count, " för ”");
        ps_srv_escape(count, q);
        ps_buf_puts(count, "”");
    }
    if (total == 0)
        ps_buf_puts(count, ".");
    ps_buf_puts(
        b, "<h2 id=\"resultat-rubrik\" class=\"visually-hidden\" tabindex=\"-1\">Sökresultat</h2>");
    suggestion_html(c, b, sugg, req->q);
    expansions_html(b, json_object_get(out, "expansions"));
    if (json_is_true(json_object_get(out, "partial")))
        ps_buf_puts(b, "<p class=\"notis\" role=\"status\">" PS_SRV_PARTIAL_SV "</p>");
    const char *note = str(out, "note");
    if (note) {
        ps_buf_puts(b, "<p class=\"notis\">");
        ps_srv_escape(b, note);
        ps_buf_puts(b, "</p>");
    }
    if (total == 0) {
        ps_buf_puts(
            b, "<div class=\"tomt\"><p>Inga ärenden matchade sökningen.</p><ul>"
               "<li>Kontrollera stavningen, eller pröva färre eller andra ord.</li>"
               "<li>Ta bort avgränsningar (kommun, nämnd, år, typ) eller datumintervallet.</li>"
               "<li>Sök på en del av ett diarienummer, t.ex. <kbd>2023.076</kbd>.</li></ul></div>");
        return;
    }
    histogram_html(c, b, json_object_get(out, "histogram"));
    ps_buf_puts(b, "<p class=\"till-filter\"><a href=\"#filter\">Avgränsa sökningen ↓</a></p>");
    ps_buf_printf(b, "<ol class=\"traffar\" start=\"%u\">", req->offset + 1);
    size_t i;
    json_t *hit;
    json_array_foreach(hits, i, hit) card(b, hit, q);
    ps_buf_puts(b, "</ol>");
    pagination(c, b, total, req->offset, req->limit ? req->limit : 10);
    csv_link(c, b, total);
}

static void error_box(ps_buf *b, ps_buf *count, const char *message, const char *detail)
{
    ps_buf_puts(count, "Sökningen kunde inte göras.");
    ps_buf_puts(b, "<div class=\"fel\"><p>");
    ps_srv_escape(b, message);
    ps_buf_puts(b, "</p>");
    if (detail) {
        ps_buf_puts(b, "<p class=\"detalj\">");
        ps_srv_escape(b, detail);
        ps_buf_puts(b, "</p>");
    }
    ps_buf_puts(b, "</div>");
}

static bool has_search(ps_srv_ctx *c)
{
    static const char *const names[] = {"q", "kommun", "namnd", "typ", "from", "to"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = ps_srv_param(c, names[i]);
        if (v && *v)
            return true;
    }
    return false;
}

static void hidden_filters(ps_srv_ctx *c, ps_buf *b)
{
    static const char *const names[] = {"kommun", "namnd", "typ"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = ps_srv_param(c, names[i]);
        if (!v || !*v || !ps_srv_text_ok(v))
            continue;
        ps_buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"", names[i]);
        ps_srv_escape(b, v);
        ps_buf_puts(b, "\">");
    }
}

enum MHD_Result ps_srv_page_search(ps_srv_ctx *c)
{
    ps_buf results = PS_BUF_INIT, facets = PS_BUF_INIT, count = PS_BUF_INIT, hidden = PS_BUF_INIT,
           feed = PS_BUF_INIT, title = PS_BUF_INIT;
    unsigned status = 200;
    ps_search_request req;
    ps_srv_dates dates = {{0}, {0}};
    bool searching = has_search(c);
    if (searching) {
        ps_srv_bad bad;
        json_t *out = NULL;
        ps_error err;
        ps_error_clear(&err);
        if (!ps_srv_search_params(c, &req, &dates, &bad)) {
            status = 400;
            error_box(&results, &count, bad.sv, NULL);
        } else if (ps_srv_run_search(c, &req, &out, &err) == PS_OK) {
            results_html(c, &results, &count, out, &req);
            facets_html(c, &facets, json_object_get(out, "facets"));
        } else {
            status = err.status == PS_ERR_QUERY ? 400 : 503;
            error_box(&results, &count,
                      err.status == PS_ERR_QUERY
                          ? "Sökfrågan kunde inte tolkas. Pröva att ta bort specialtecken eller "
                            "citattecken som inte är parade."
                      : err.status == PS_ERR_UNAVAILABLE
                          ? PS_SRV_UNAVAILABLE_SV
                          : "Sökindexet är inte tillgängligt just nu. Försök igen om en stund.",
                      err.message);
        }
        json_decref(out);
        hidden_filters(c, &hidden);
        ps_buf_puts(&feed, "/feed.atom?");
        static const char *const feed_state[] = {"sort", NULL,     "order", NULL, "limit",
                                                 NULL,   "offset", NULL,    NULL};
        ps_buf qs = PS_BUF_INIT;
        ps_srv_query_string(c, &qs, feed_state);
        ps_srv_escape(&feed, qs.data ? qs.data : "");
        ps_buf_free(&qs);
        ps_buf_puts(&results, "<p class=\"bevaka\"><a href=\"");
        ps_buf_puts(&results, feed.data);
        ps_buf_puts(&results, "\">Prenumerera på denna sökning</a> (Atom-flöde, nya ärenden "
                              "först)</p>");
    }
    const char *q = ps_srv_param(c, "q");
    if (q && *q && ps_srv_text_ok(q)) {
        ps_srv_escape(&title, q);
        ps_buf_puts(&title, " – ");
    }
    ps_buf_puts(&title, "Protokollsök");
    const char *sort = ps_srv_param(c, "sort");
    const char *order = ps_srv_param(c, "order");
    bool by_date = sort && strncmp(sort, "datum", 5) == 0;
    bool asc = (order && strcmp(order, "asc") == 0) || (sort && strcmp(sort, "datum-asc") == 0);
    char *q_attr = escaped(q && ps_srv_text_ok(q) ? q : "");
    const char *const vars[] = {"title",
                                title.data,
                                "q",
                                q_attr,
                                "from",
                                dates.from,
                                "to",
                                dates.to,
                                "sort_relevans",
                                by_date ? "" : " selected",
                                "sort_datum",
                                by_date && !asc ? " selected" : "",
                                "sort_datum_asc",
                                by_date && asc ? " selected" : "",
                                "hidden",
                                hidden.data,
                                "count",
                                count.data,
                                "results",
                                results.data,
                                "facets",
                                facets.data,
                                "feed",
                                feed.data ? feed.data : "/feed.atom",
                                "intro_hidden",
                                searching ? " hidden" : "",
                                "state",
                                searching ? "sok" : "start",
                                NULL};
    enum MHD_Result res = render(c, status, "index.html", vars);
    free(q_attr);
    ps_buf_free(&results);
    ps_buf_free(&facets);
    ps_buf_free(&count);
    ps_buf_free(&hidden);
    ps_buf_free(&feed);
    ps_buf_free(&title);
    return res;
}

/* --- the ärende page -------------------------------------------------------------------------- */

static size_t clamp_offset(const json_t *v, size_t len)
{
    json_int_t n = json_integer_value(v);
    return n < 0 ? 0 : (size_t)n > len ? len : (size_t)n;
}

static void body_html(ps_buf *b, const json_t *a)
{
    const json_t *body = json_object_get(a, "body");
    const json_t *matches = json_object_get(a, "matches");
    const char *text = json_string_value(body);
    if (json_is_object(body)) {
        text = str(body, "text");
        matches = json_object_get(body, "matches");
    }
    if (!text)
        return;
    marker m = {text, strlen(text), matches, 0, 0, false, true};
    if (json_array_size(matches))
        ps_buf_puts(b, "<p class=\"hopp\"><a href=\"#traff-1\">Gå till första träffen</a></p>");
    const json_t *sections = json_object_get(a, "sections");
    size_t pos = 0;
    size_t i;
    json_t *sec;
    json_array_foreach(sections, i, sec)
    {
        size_t start = clamp_offset(json_object_get(sec, "start"), m.len);
        size_t end = clamp_offset(json_object_get(sec, "end"), m.len);
        if (start < pos || end < start)
            continue;
        const char *name = str(sec, "name");
        size_t gap_end = start;
        if (name) {
            /* The heading line usually stands just before the span: drop it there, since it
             * becomes the <h2>. */
            size_t n = strlen(name), k = gap_end;
            while (k > pos && (text[k - 1] == '\n' || text[k - 1] == ' ' || text[k - 1] == ':'))
                k--;
            if (k >= pos + n && strncmp(text + k - n, name, n) == 0)
                gap_end = k - n;
        }
        if (gap_end > pos)
            marked_span(b, &m, pos, gap_end);
        if (name) {
            ps_buf_puts(b, "<h2>");
            ps_srv_escape(b, name);
            ps_buf_puts(b, "</h2>");
            /* The section span may begin with its own heading line: don't repeat it. */
            size_t n = strlen(name);
            if (end - start >= n && strncmp(text + start, name, n) == 0) {
                start += n;
                while (start < end &&
                       (text[start] == '\n' || text[start] == ' ' || text[start] == ':'))
                    start++;
            }
        }
        marked_span(b, &m, start, end);
        pos = end;
    }
    if (pos < m.len)
        marked_span(b, &m, pos, m.len);
}

/* Was any of the documents read by OCR (index --ocr)? */
static bool any_ocr(const json_t *docs)
{
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d) if (json_is_true(json_object_get(d, "ocr"))) return true;
    return false;
}

static void documents_html(ps_buf *b, const json_t *docs)
{
    if (!json_array_size(docs))
        return;
    ps_buf_puts(b, "<section class=\"dokument\" aria-labelledby=\"dok-rubrik\">"
                   "<h2 id=\"dok-rubrik\">Handlingar</h2><ul>");
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        const char *href = str(d, "href");
        const json_t *pages = json_object_get(d, "pages");
        long long first = json_integer_value(json_array_get(pages, 0));
        long long last = json_integer_value(json_array_get(pages, json_array_size(pages) - 1));
        const char *path = str(d, "path");
        const char *name = path ? strrchr(path, '/') : NULL;
        name = name ? name + 1 : path;
        ps_buf_puts(b, "<li>");
        if (href) {
            ps_buf_puts(b, "<a href=\"");
            ps_srv_escape(b, href);
            if (first > 0 && !strchr(href, '#'))
                ps_buf_printf(b, "#page=%lld", first);
            ps_buf_puts(b, "\">");
        }
        ps_buf_puts(b, "<span class=\"doktyp\">");
        ps_srv_escape(b, str(d, "type") ? str(d, "type") : "Dokument");
        ps_buf_puts(b, "</span>");
        if (str(d, "date")) {
            ps_buf_puts(b, " ");
            put_date(b, str(d, "date"));
        }
        if (href)
            ps_buf_puts(b, "</a>");
        const char *para = str(d, "paragraf");
        if (para) {
            ps_buf_printf(b, ", %s", paragraf_prefix(para));
            ps_srv_escape(b, para);
        }
        if (first > 0 && last > first)
            ps_buf_printf(b, ", s. %lld–%lld", first, last);
        else if (first > 0)
            ps_buf_printf(b, ", s. %lld", first);
        if (json_is_true(json_object_get(d, "ocr")))
            ps_buf_puts(b, " (maskinläst)");
        if (name) {
            ps_buf_puts(b, " <span class=\"filnamn\">");
            ps_srv_escape(b, name);
            ps_buf_puts(b, "</span>");
        }
        ps_buf_puts(b, "</li>");
    }
    ps_buf_puts(b, "</ul></section>");
}

/* A date in a timeline entry, or "Odaterat". */
static void entry_date(ps_buf *b, const char *date)
{
    if (date)
        put_date(b, date);
    else
        ps_buf_puts(b, "<span class=\"odaterat\">Odaterat</span>");
}

/* An ärende's title, else its dnr. */
static const char *entry_title(const json_t *e)
{
    return str(e, "title") ? str(e, "title") : str(e, "dnr") ? str(e, "dnr") : "Ärende";
}

/* " · Socialnämnden · § 243" */
static void entry_meta(ps_buf *b, const json_t *e)
{
    static const char *const fields[] = {"namnd", "kommun", "dnr"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (str(e, fields[i])) {
            ps_buf_puts(b, " · ");
            ps_srv_escape(b, str(e, fields[i]));
        }
    if (str(e, "paragraf")) {
        ps_buf_printf(b, " · %s", paragraf_prefix(str(e, "paragraf")));
        ps_srv_escape(b, str(e, "paragraf"));
    }
}

/* "Ärendets gång": its documents, the ärenden with its dnr and those its text refers to, in
 * date order; references not in the index as text. */
static void history_html(ps_buf *b, const json_t *history, const char *self, const char *q)
{
    const json_t *timeline = json_object_get(history, "timeline");
    const json_t *unresolved = json_object_get(history, "unresolved");
    if (!json_array_size(timeline) && !json_array_size(unresolved))
        return;
    ps_buf_puts(b, "<section class=\"gang\" aria-labelledby=\"gang-rubrik\">"
                   "<h2 id=\"gang-rubrik\">Ärendets gång</h2><ol class=\"tidslinje-lista\">");
    size_t i;
    json_t *e;
    json_array_foreach(timeline, i, e)
    {
        const char *kind = str(e, "kind") ? str(e, "kind") : "";
        bool doc = strcmp(kind, "document") == 0;
        ps_buf_puts(b, "<li>");
        entry_date(b, str(e, "date"));
        ps_buf_puts(b, " <span class=\"steg\">");
        if (doc) {
            const char *href = str(e, "href");
            if (href) {
                ps_buf_puts(b, "<a href=\"");
                ps_srv_escape(b, href);
                ps_buf_puts(b, "\">");
            }
            ps_srv_escape(b, str(e, "type") ? str(e, "type") : "Dokument");
            if (href)
                ps_buf_puts(b, "</a>");
            entry_meta(b, e);
            ps_buf_puts(b, "</span>");
        } else {
            const char *key = str(e, "key");
            bool same = key && self && strcmp(key, self) == 0;
            if (str(e, "type")) {
                ps_srv_escape(b, str(e, "type"));
                ps_buf_puts(b, ": ");
            }
            if (key && !same) {
                ps_buf_puts(b, "<a href=\"");
                arende_link(b, key, q);
                ps_buf_puts(b, "\">");
            }
            ps_srv_escape(b, entry_title(e));
            if (key && !same)
                ps_buf_puts(b, "</a>");
            entry_meta(b, e);
            if (str(e, "ref")) {
                ps_buf_puts(b, " <span class=\"hanvisning\">(hänvisning: ");
                ps_srv_escape(b, str(e, "ref"));
                ps_buf_puts(b, ")</span>");
            } else if (strcmp(kind, "arende") == 0) {
                ps_buf_puts(b, " <span class=\"hanvisning\">(samma diarienummer)</span>");
            }
            ps_buf_puts(b, "</span>");
        }
        ps_buf_puts(b, "</li>");
    }
    ps_buf_puts(b, "</ol>");
    if (json_array_size(unresolved)) {
        ps_buf_puts(b, "<p class=\"ej-hittade\">Hänvisningar i texten till beslut som inte finns i "
                       "sökindexet:</p><ul class=\"ej-hittade\">");
        json_array_foreach(unresolved, i, e)
        {
            ps_buf_puts(b, "<li>");
            ps_srv_escape(b, json_string_value(e) ? json_string_value(e) : "");
            ps_buf_puts(b, "</li>");
        }
        ps_buf_puts(b, "</ul>");
    }
    ps_buf_puts(b, "</section>");
}

/* "Liknande ärenden": links with their metadata. */
static void similar_html(ps_buf *b, const json_t *similar)
{
    if (!json_array_size(similar))
        return;
    ps_buf_puts(b, "<section class=\"liknande\" aria-labelledby=\"liknande-rubrik\">"
                   "<h2 id=\"liknande-rubrik\">Liknande ärenden</h2><ul>");
    size_t i;
    json_t *e;
    json_array_foreach(similar, i, e)
    {
        const char *key = str(e, "key");
        if (!key)
            continue;
        ps_buf_puts(b, "<li><a href=\"");
        arende_link(b, key, NULL);
        ps_buf_puts(b, "\">");
        ps_srv_escape(b, entry_title(e));
        ps_buf_puts(b, "</a> <span class=\"meta\">");
        if (str(e, "date"))
            put_date(b, str(e, "date"));
        entry_meta(b, e);
        ps_buf_puts(b, "</span></li>");
    }
    ps_buf_puts(b, "</ul></section>");
}

static void dl_item(ps_buf *b, const char *dt, const char *value, bool date)
{
    if (!value)
        return;
    ps_buf_printf(b, "<div><dt>%s</dt><dd>", dt);
    if (date)
        put_date(b, value);
    else
        ps_srv_escape(b, value);
    ps_buf_puts(b, "</dd></div>");
}

static void feed_link(ps_buf *b, const char *q, const char *text, const char *note)
{
    ps_buf_puts(b, "<p class=\"bevaka\"><a href=\"/feed.atom?q=");
    ps_buf qe = PS_BUF_INIT;
    ps_srv_url_encode(&qe, q ? q : "");
    ps_srv_escape(b, qe.data ? qe.data : "");
    ps_buf_free(&qe);
    ps_buf_printf(b, "\">%s</a> (%s)</p>", text, note);
}

static void arende_html(ps_buf *b, ps_buf *title, const json_t *a, const char *q)
{
    const char *t = str(a, "title");
    ps_srv_escape(title, t ? t : (str(a, "dnr") ? str(a, "dnr") : "Ärende"));
    ps_buf_puts(b, "<article class=\"arende\"><header><p class=\"overrubrik\">");
    if (str(a, "kommun"))
        ps_srv_escape(b, str(a, "kommun"));
    if (str(a, "kommun") && str(a, "namnd"))
        ps_buf_puts(b, " · ");
    if (str(a, "namnd"))
        ps_srv_escape(b, str(a, "namnd"));
    ps_buf_puts(b, "</p><h1 id=\"arende-rubrik\">");
    ps_buf_puts(b, title->data);
    ps_buf_puts(b, "</h1><dl class=\"metadata\">");
    if (str(a, "paragraf")) {
        ps_buf para = PS_BUF_INIT;
        ps_buf_printf(&para, "%s%s", paragraf_prefix(str(a, "paragraf")), str(a, "paragraf"));
        dl_item(b, "Paragraf", para.data, false);
        ps_buf_free(&para);
    }
    dl_item(b, "Diarienummer", str(a, "dnr"), false);
    dl_item(b, "Datum", str(a, "date"), true);
    dl_item(b, "Typ", str(a, "type"), false);
    dl_item(b, "Handläggare", str(a, "handlaggare"), false);
    ps_buf_puts(b, "</dl></header>");
    if (any_ocr(json_object_get(a, "documents")))
        ps_buf_puts(b, "<p class=\"ocr-notis\" role=\"note\">Texten är maskinläst från en skannad "
                       "sida och kan innehålla fel.</p>");
    documents_html(b, json_object_get(a, "documents"));
    history_html(b, json_object_get(a, "history"), str(a, "key"), q);
    ps_buf_puts(b, "<section class=\"fulltext\" aria-label=\"Ärendets text\">");
    body_html(b, a);
    ps_buf_puts(b, "</section>");
    similar_html(b, json_object_get(a, "similar"));
    if (q && *q)
        feed_link(b, q, "Prenumerera på denna sökning", "Atom-flöde");
    const char *dnr = str(a, "dnr");
    if (dnr && !strchr(dnr, '"')) {
        ps_buf dq = PS_BUF_INIT;
        ps_buf_printf(&dq, "dnr:\"%s\"", dnr);
        feed_link(b, dq.data, "Bevaka ärendet",
                  "Atom-flöde med nya handlingar i samma diarienummer");
        ps_buf_free(&dq);
    }
    ps_buf_puts(b, "</article>");
}

enum MHD_Result ps_srv_page_arende(ps_srv_ctx *c)
{
    const char *key = ps_srv_param(c, "key");
    const char *q = ps_srv_param(c, "q");
    if (q && (strlen(q) > PS_SRV_MAX_QUERY || !ps_srv_text_ok(q)))
        q = NULL;
    ps_buf content = PS_BUF_INIT, title = PS_BUF_INIT, back = PS_BUF_INIT;
    unsigned status = 200;
    json_t *a = NULL;
    ps_error err;
    ps_error_clear(&err);
    if (!key || !*key || strlen(key) > PS_SRV_MAX_PARAM || !ps_srv_text_ok(key)) {
        status = 404;
        err.status = PS_ERR_NOT_FOUND;
    } else if (ps_srv_get_arende(c, key, q, &a, &err) != PS_OK) {
        status = err.status == PS_ERR_NOT_FOUND ? 404 : 503;
    }
    if (status == 200) {
        arende_html(&content, &title, a, q);
    } else {
        ps_buf_puts(&title, status == 404 ? "Ärendet finns inte" : "Tekniskt fel");
        ps_buf_puts(&content, "<div class=\"fel\"><h1 id=\"arende-rubrik\">");
        ps_buf_puts(&content, title.data);
        ps_buf_puts(&content, status == 404
                                  ? "</h1><p>Ärendet finns inte i sökindexet. Det kan ha tagits "
                                    "bort vid den senaste indexeringen. Sök efter det igen.</p>"
                                  : "</h1><p>Sökindexet är inte tillgängligt just nu. Försök igen "
                                    "om en stund.</p>");
        ps_buf_puts(&content, "</div>");
    }
    json_decref(a);
    ps_buf_puts(&back, "/sok");
    if (q && *q) {
        ps_buf_puts(&back, "?q=");
        ps_buf qe = PS_BUF_INIT;
        ps_srv_url_encode(&qe, q);
        ps_srv_escape(&back, qe.data ? qe.data : "");
        ps_buf_free(&qe);
    }
    char *q_attr = escaped(q ? q : "");
    const char *const vars[] = {"title",   title.data, "content", content.data, "back",
                                back.data, "q",        q_attr,    NULL};
    enum MHD_Result res = render(c, status, "arende.html", vars);
    free(q_attr);
    ps_buf_free(&content);
    ps_buf_free(&title);
    ps_buf_free(&back);
    return res;
}
