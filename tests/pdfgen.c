/*
 * pdfgen.c — make the test PDFs from the seed texts (cairo + pango), at test time.
 *
 *   pdfgen SEED_DIR OUT_DIR
 *
 * Writes into OUT_DIR:
 *   seed_NNN.pdf        every seeds/NNN_*.txt, one line of the seed per line (long lines wrapped),
 *                       A4, as many pages as it takes; Title and CreationDate set
 *   protocol_multi.pdf  a protocol with several ärenden over several pages, with a running header
 *                       and footer (kommun, Protokoll, Sammanträdesdatum, Justerandes signatur,
 *                       page numbers "n (N)") on every page and soft hyphens in long compounds
 *   protocol_multi.txt  the same protocol as plain text (no header/footer, no hyphenation)
 *   protocol_multi.expect  one line per ärende: "§ dnr date first_page last_page"
 *   two_column.pdf      one page set in two columns
 *   hyphen.pdf          a hard hyphen at a line end: "utbildnings-" / "förvaltningen", and a
 *                       compound broken at its soft hyphen ("rapporterings" / "skyldighet")
 *   ligature.pdf        text with ligature code points (U+FB00..U+FB04)
 *   mixed.pdf           three pages: text, image only, text
 *   scanned.pdf         two pages holding only images of text (no text layer)
 *   truncated.pdf       the first 60 % of seed 000's PDF
 *   large.pdf           130 pages of protocol text (timing and the time limit)
 * The encrypted variants are made from seed_000.pdf with qpdf (tests/cmake/pdf.cmake).
 * Prints only errors; exit status 0 on success.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <dirent.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN_X 70.0
#define MARGIN_TOP 90.0
#define MARGIN_BOTTOM 90.0
#define BODY_FONT "DejaVu Serif 11"
#define SMALL_FONT "DejaVu Sans 8"
#define MEETING_DATE "2023-11-01"

typedef struct {
    unsigned char *data;
    size_t len, cap;
} membuf;

static cairo_status_t membuf_write(void *closure, const unsigned char *data, unsigned int len)
{
    membuf *m = closure;
    if (m->len + len > m->cap) {
        size_t cap = m->cap ? m->cap : 65536;
        while (cap < m->len + len)
            cap *= 2;
        unsigned char *p = realloc(m->data, cap);
        if (!p)
            return CAIRO_STATUS_NO_MEMORY;
        m->data = p;
        m->cap = cap;
    }
    memcpy(m->data + m->len, data, len);
    m->len += len;
    return CAIRO_STATUS_SUCCESS;
}

/* A document being laid out: a cursor moving down the page, new pages as needed. */
typedef struct {
    membuf out;
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoFontDescription *body, *small;
    double y;
    int page;        /* 1-based current page, 0 before the first */
    bool running;    /* draw the running header and footer */
    int total_pages; /* for the footer "n (N)"; 0 when not known yet */
} doc;

static void doc_open(doc *d, const char *title, const char *created)
{
    memset(d, 0, sizeof *d);
    d->surface = cairo_pdf_surface_create_for_stream(membuf_write, &d->out, PAGE_W, PAGE_H);
    if (title)
        cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATE_DATE,
                                   created ? created : "2023-11-02T10:00:00+01:00");
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "protokollsok pdfgen");
    d->cr = cairo_create(d->surface);
    d->body = pango_font_description_from_string(BODY_FONT);
    d->small = pango_font_description_from_string(SMALL_FONT);
}

/* Draw text in one line at (x, baseline y), aligned left (0), centered (1) or right (2). */
static void draw_line(doc *d, const char *text, double x, double y, int align)
{
    PangoLayout *layout = pango_cairo_create_layout(d->cr);
    pango_layout_set_font_description(layout, d->small);
    pango_layout_set_text(layout, text, -1);
    int w, h;
    pango_layout_get_size(layout, &w, &h);
    double width = (double)w / PANGO_SCALE;
    if (align == 1)
        x -= width / 2;
    else if (align == 2)
        x -= width;
    cairo_move_to(d->cr, x, y - (double)pango_layout_get_baseline(layout) / PANGO_SCALE);
    pango_cairo_show_layout(d->cr, layout);
    g_object_unref(layout);
}

static void draw_running(doc *d)
{
    draw_line(d, "Alingsås kommun", MARGIN_X, 45, 0);
    draw_line(d, "Protokoll", PAGE_W / 2, 45, 1);
    draw_line(d, "Sammanträdesdatum " MEETING_DATE, PAGE_W - MARGIN_X, 45, 2);
    draw_line(d, "Socialnämndens arbetsutskott", MARGIN_X, 57, 0);
    draw_line(d, "Justerandes signatur", MARGIN_X, PAGE_H - 50, 0);
    draw_line(d, "Utdragsbestyrkande", PAGE_W - MARGIN_X, PAGE_H - 50, 2);
    char num[32];
    snprintf(num, sizeof num, "%d (%d)", d->page, d->total_pages);
    draw_line(d, num, PAGE_W / 2, PAGE_H - 35, 1);
}

static void doc_new_page(doc *d)
{
    if (d->page > 0)
        cairo_show_page(d->cr);
    d->page++;
    d->y = MARGIN_TOP;
    if (d->running)
        draw_running(d);
}

/* Lay out text (may hold '\n') wrapped at width from x, line by line, breaking pages. */
static void doc_text_at(doc *d, const char *text, double x, double width)
{
    if (d->page == 0)
        doc_new_page(d);
    PangoLayout *layout = pango_cairo_create_layout(d->cr);
    pango_layout_set_font_description(layout, d->body);
    pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD);
    pango_layout_set_text(layout, text, -1);
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double h = (double)logical.height / PANGO_SCALE;
        if (d->y + h > PAGE_H - MARGIN_BOTTOM)
            doc_new_page(d);
        double ascent = (double)(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
        cairo_move_to(d->cr, x, d->y + ascent);
        pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
        d->y += h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(layout);
}

static void doc_text(doc *d, const char *text)
{
    doc_text_at(d, text, MARGIN_X, PAGE_W - 2 * MARGIN_X);
}

static void doc_gap(doc *d, double pts)
{
    d->y += pts;
}

/* A paragraph of text rendered into an image, painted at the cursor: no text layer. */
static void doc_image_of_text(doc *d, const char *text)
{
    if (d->page == 0)
        doc_new_page(d);
    int w = 900, h = 500;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *icr = cairo_create(img);
    cairo_set_source_rgb(icr, 1, 1, 1);
    cairo_paint(icr);
    cairo_set_source_rgb(icr, 0, 0, 0);
    PangoLayout *layout = pango_cairo_create_layout(icr);
    PangoFontDescription *font = pango_font_description_from_string("DejaVu Serif 16");
    pango_layout_set_font_description(layout, font);
    pango_layout_set_width(layout, (w - 40) * PANGO_SCALE);
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD);
    pango_layout_set_text(layout, text, -1);
    cairo_move_to(icr, 20, 20);
    pango_cairo_show_layout(icr, layout);
    pango_font_description_free(font);
    g_object_unref(layout);
    cairo_destroy(icr);
    cairo_save(d->cr);
    double scale = (PAGE_W - 2 * MARGIN_X) / w;
    cairo_translate(d->cr, MARGIN_X, d->y);
    cairo_scale(d->cr, scale, scale);
    cairo_set_source_surface(d->cr, img, 0, 0);
    cairo_paint(d->cr);
    cairo_restore(d->cr);
    cairo_surface_destroy(img);
    d->y += h * scale;
}

/* Finish the document; returns its bytes (caller frees) or NULL on a cairo error. */
static unsigned char *doc_close(doc *d, size_t *len)
{
    cairo_destroy(d->cr);
    cairo_surface_finish(d->surface);
    cairo_status_t st = cairo_surface_status(d->surface);
    cairo_surface_destroy(d->surface);
    pango_font_description_free(d->body);
    pango_font_description_free(d->small);
    if (st != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "pdfgen: cairo: %s\n", cairo_status_to_string(st));
        free(d->out.data);
        return NULL;
    }
    *len = d->out.len;
    return d->out.data;
}

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static bool write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char *path = path_join(dir, name);
    FILE *f = path ? fopen(path, "wb") : NULL;
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "pdfgen: cannot write %s\n", path ? path : name);
    free(path);
    return ok;
}

static bool save(doc *d, const char *dir, const char *name)
{
    size_t len = 0;
    unsigned char *data = doc_close(d, &len);
    bool ok = data && write_file(dir, name, data, len);
    free(data);
    return ok;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 16384;
            char *p = realloc(data, cap);
            if (!p) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = p;
        }
        size_t got = fread(data + n, 1, 4096, f);
        n += got;
        if (got < 4096)
            break;
    }
    fclose(f);
    data[n] = '\0';
    *len = n;
    return data;
}

/* One seed text, one line per source line, empty lines as gaps. */
static bool gen_seed(const char *seed_dir, const char *name, const char *out_dir)
{
    char *path = path_join(seed_dir, name);
    size_t len = 0;
    char *text = path ? read_file(path, &len) : NULL;
    free(path);
    if (!text) {
        fprintf(stderr, "pdfgen: cannot read %s/%s\n", seed_dir, name);
        return false;
    }
    char title[64], out[64];
    snprintf(title, sizeof title, "Seed %.3s", name);
    snprintf(out, sizeof out, "seed_%.3s.pdf", name);
    doc d;
    doc_open(&d, title, NULL);
    doc_new_page(&d);
    char *save_ptr = NULL;
    for (char *line = text; line; line = save_ptr) {
        save_ptr = strchr(line, '\n');
        if (save_ptr)
            *save_ptr++ = '\0';
        if (*line == '\0' || strspn(line, " \t\r") == strlen(line))
            doc_gap(&d, 8);
        else
            doc_text(&d, line);
    }
    free(text);
    return save(&d, out_dir, out);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool gen_seeds(const char *seed_dir, const char *out_dir)
{
    DIR *dir = opendir(seed_dir);
    if (!dir) {
        fprintf(stderr, "pdfgen: cannot open %s\n", seed_dir);
        return false;
    }
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) && n < 64) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".txt") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof *names, cmp_str);
    bool ok = n > 0;
    for (size_t i = 0; i < n; i++) {
        if (names[i] && !gen_seed(seed_dir, names[i], out_dir))
            ok = false;
        free(names[i]);
    }
    return ok;
}

/* The multi-ärende protocol: a paragraph list where "§ ..." starts an ärende. Long compounds
 * carry soft hyphens (U+00AD) so that pango hyphenates them at line ends, as word processors
 * do; the plain-text twin is written without them. */
static const char *const multi_protocol[] = {
    "Protokoll",
    "Socialnämndens arbetsutskott",
    "Tid: 2023-11-01, kl. 09:00-12:00",
    "Plats: Socialförvaltningen, Alingsås",
    "Beslutande: Kent Perciwall (KD), ordförande",
    "Sekreterare: Arita Halili",
    "§ 243 2023.076 SN",
    "Förnyelse av medlemskap i Samordningsförbundet Insjöriket",
    "Ärendebeskrivning",
    "Samordnings\xC2\xAD"
    "förbundet Insjöriket är en samverkansform för Arbetsförmedlingen, "
    "Försäkringskassan, Västra Götalandsregionen och fem kommuner i Insjöriket. 2021 begärde "
    "Alingsås kommun genom beslut i KF, § 94 2021-05-26, utträde då social\xC2\xAD"
    "förvaltningen i samråd med kultur- och utbildnings\xC2\xAD"
    "förvaltningen bedömde att "
    "alltför få Alingsåsare hade möjlighet att nyttja förbundets insatser. Det var viktigare att "
    "utveckla resurserna lokalt för att bättre kunna möta behoven för målgruppen personer som "
    "står långt ifrån arbetsmarknaden.",
    "Enligt § 15 i Samordningsförbundet Insjörikets förbundsordning framgår att uppsägnings\xC2\xAD"
    "tiden är tre kalenderår. Sedan kommunfullmäktige fattade beslut om utträde har stora "
    "förändringar skett. Samordningsförbundets styrelse har beslutat om ett förändrat uppdrag för "
    "förbundet och nu kan varje enskild kommun avropa resurser och erbjuda verksamhet lokalt "
    "istället för att förbundet utför insatser.",
    "Under 2022 har medlemskommunerna ihop med Försäkringskassan, Arbetsförmedlingen, Västra "
    "Götalandsregionen och samordningsförbundet arbetat med denna omställning och från och med "
    "mars 2023 har Alingsås prerehabiliterande verksamhet enligt modellen ACTivera finansierat av "
    "förbundet. För att kunna fortsätta detta arbete behöver kommunen upphäva beslutet om utträde "
    "ur samordningsförbundet Insjöriket.",
    "Beredning",
    "Sedan början av 2023 har socialförvaltningen i samverkan med kultur- och "
    "utbildningsförvaltningen arbetat för att med hjälp av finansiering från "
    "samordningsförbundet starta upp prerehabiliterande insatser enligt modellen ACTivera på plats "
    "i Alingsås. Arbetet har precis påbörjats och har gynnsamma förutsättningar att leda till att "
    "målgruppen får rätt insats för att närma sig arbetsmarknaden eller annan sysselsättning.",
    "Genom att insatsen sker på plats nås fler personer samtidigt som samverkan kan ske med "
    "kultur- och utbildningsförvaltningens arbetsmarknadsenhet som kan vara en länk och erbjuda "
    "en bredare variation av stöd. Utbudet kan bestå av exempelvis individuella samtal, "
    "hälsostärkande insatser och arbetsförberedande aktiviteter, enskilt och i grupp.",
    "Ekonomisk bedömning",
    "Förslaget innebär en fortsatt kostnad för medlemskap i samordningsförbundet Insjöriket om "
    "639 tkr i 2023-års kostnadsnivå som fortsatt kommer finansieras inom tilldelad ram.",
    "Beslut",
    "Arbetsutskottet föreslår socialnämnden föreslå kommunfullmäktige att beslut om utträde ur "
    "Samordningsförbundet Insjöriket, § 94 den 26 maj 2021, upphävs.",
    "§ 244 2023.039 SN",
    "Ej verkställda beslut anmälda till Inspektionen för vård och omsorg 2023",
    "Ärendebeskrivning",
    "Socialnämnden ska kvartalsvis rapportera till kommunfullmäktige, till de revisorer som "
    "avses i 3 kap. 8 § kommunallagen samt till Inspektionen för vård och omsorg (IVO) enligt "
    "16 kap. 6 f-h §§ socialtjänstlagen (SoL) om gynnande beslut som ej verkställts inom tre "
    "månader från dagen för beslutet, gynnande beslut som avbrutits och ej verkställts inom tre "
    "månader från dagen för avbrottet samt gynnande beslut som har verkställts.",
    "Rapporteringen till IVO sker som individrapporter med sekretessbelagda uppgifter enligt en "
    "nationellt fastställd standard. I Alingsås gäller socialnämndens rapporterings\xC2\xAD"
    "skyldighet för individ- och familjeomsorg.",
    "Under kvartal 3 2023 rapporterades ett ej verkställt beslut om kontaktfamilj, där lämplig "
    "kontaktfamilj inte har hittats. Beslutet fattades 2022-07-25 med stöd av 4 kap. 1 § SoL.",
    "Ekonomisk bedömning",
    "Förslaget innebär inga ekonomiska konsekvenser.",
    "Beslut",
    "Arbetsutskottet föreslår socialnämnden att notera rapporteringen till IVO för kvartal 3 2023 "
    "och översända rapporten till kommunfullmäktige och kommunens revisorer.",
    "§ 245 2023.101 SN",
    "Information från förvaltningschefen",
    "Ärendebeskrivning",
    "Förvaltningschefen informerar om arbetet med budget och verksamhetsplan för 2024, om läget "
    "i försörjningsstödet och om rekryteringen till individ- och familjeomsorgen. Antalet hushåll "
    "med försörjningsstöd har ökat under hösten och förvaltningen följer utvecklingen månadsvis.",
    "Förvaltningschefen informerar även om samverkan med Samordningsförbundet Insjöriket kring "
    "modellen ACTivera och om att de första deltagarna har påbörjat insatsen på plats i Alingsås.",
    "Förvaltningen har därtill inlett ett arbete med att se över lokal\xC2\xAD"
    "försörjningen för socialförvaltningens verksamheter, där behovet av ändamålsenliga lokaler "
    "för öppenvården och för myndighetsutövningen ska belysas under våren 2024.",
    "Beslut",
    "Arbetsutskottet tackar för informationen.",
    "§ 246 2023.088 SN",
    "Delegationsbeslut oktober 2023",
    "Ärendebeskrivning",
    "Förteckning över delegationsbeslut fattade under oktober 2023 inom individ- och "
    "familjeomsorgen, äldreomsorgen och funktionsstödet redovisas för arbetsutskottet.",
    "Beslut",
    "Arbetsutskottet lägger redovisningen till handlingarna.",
};

static void strip_soft_hyphens(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if ((unsigned char)r[0] == 0xC2 && (unsigned char)r[1] == 0xAD) {
            r++;
            continue;
        }
        *w++ = *r;
    }
    *w = '\0';
}

static bool is_paragraph_head(const char *s)
{
    return strncmp(s, "§ ", strlen("§ ")) == 0;
}

/* Lay out the protocol; when expect is non-NULL, record the page span of each ärende. */
static int render_multi(doc *d, FILE *expect)
{
    const size_t n = sizeof multi_protocol / sizeof *multi_protocol;
    char head[64] = "";
    int first = 0;
    doc_new_page(d);
    for (size_t i = 0; i < n; i++) {
        const char *p = multi_protocol[i];
        if (is_paragraph_head(p)) {
            if (*head && expect)
                fprintf(expect, "%s %s %d %d\n", head, MEETING_DATE, first, d->page);
            doc_gap(d, 14);
            if (d->y + 60 > PAGE_H - MARGIN_BOTTOM)
                doc_new_page(d);
            snprintf(head, sizeof head, "%s", p + strlen("§ "));
            first = d->page;
        }
        doc_text(d, p);
        doc_gap(d, 6);
    }
    if (*head && expect)
        fprintf(expect, "%s %s %d %d\n", head, MEETING_DATE, first, d->page);
    return d->page;
}

static bool gen_multi(const char *out_dir)
{
    doc d;
    doc_open(&d, "Protokoll Socialnämndens arbetsutskott 2023-11-01", "2023-11-03T09:00:00+01:00");
    d.running = true;
    int total = render_multi(&d, NULL);
    size_t len = 0;
    free(doc_close(&d, &len)); /* first pass only counts the pages */

    doc_open(&d, "Protokoll Socialnämndens arbetsutskott 2023-11-01", "2023-11-03T09:00:00+01:00");
    d.running = true;
    d.total_pages = total;
    char *path = path_join(out_dir, "protocol_multi.expect");
    FILE *expect = path ? fopen(path, "w") : NULL;
    free(path);
    if (!expect) {
        fprintf(stderr, "pdfgen: cannot write protocol_multi.expect\n");
        return false;
    }
    render_multi(&d, expect);
    bool ok = fclose(expect) == 0;
    ok = save(&d, out_dir, "protocol_multi.pdf") && ok;

    path = path_join(out_dir, "protocol_multi.txt");
    FILE *txt = path ? fopen(path, "w") : NULL;
    free(path);
    if (!txt)
        return false;
    for (size_t i = 0; i < sizeof multi_protocol / sizeof *multi_protocol; i++) {
        char *p = strdup(multi_protocol[i]);
        if (!p)
            break;
        strip_soft_hyphens(p);
        fprintf(txt, "%s\n\n", p);
        free(p);
    }
    return fclose(txt) == 0 && ok;
}

static bool gen_two_column(const char *out_dir)
{
    doc d;
    doc_open(&d, "Två spalter", NULL);
    doc_new_page(&d);
    doc_text(&d, "Kallelse till sammanträde med socialnämnden");
    doc_gap(&d, 12);
    double col = (PAGE_W - 2 * MARGIN_X - 24) / 2, top = d.y;
    doc_text_at(&d,
                "VÄNSTERSPALT Samordningsförbundet Insjöriket är en samverkansform för "
                "Arbetsförmedlingen, Försäkringskassan, Västra Götalandsregionen och fem "
                "kommuner. Förbundet finansierar insatser för personer som står långt ifrån "
                "arbetsmarknaden. SLUTVÄNSTER",
                MARGIN_X, col);
    d.y = top;
    doc_text_at(&d,
                "HÖGERSPALT Socialnämnden ska kvartalsvis rapportera ej verkställda beslut till "
                "kommunfullmäktige och till Inspektionen för vård och omsorg. Rapporteringen sker "
                "som individrapporter enligt en nationell standard. SLUTHÖGER",
                MARGIN_X + col + 24, col);
    return save(&d, out_dir, "two_column.pdf");
}

static bool gen_hyphen(const char *out_dir)
{
    doc d;
    doc_open(&d, NULL, NULL);
    doc_new_page(&d);
    doc_text(&d, "Socialförvaltningen gör tillsammans med kultur- och utbildnings-");
    doc_text(&d, "förvaltningen bedömningen att insatserna ska fortsätta.");
    doc_gap(&d, 12);
    /* Too narrow for the whole compound: pango must break at the soft hyphen. */
    doc_text_at(&d,
                "Nämndens rapporterings\xC2\xAD"
                "skyldighet gäller.",
                MARGIN_X, 110);
    return save(&d, out_dir, "hyphen.pdf");
}

static bool gen_ligature(const char *out_dir)
{
    doc d;
    doc_open(&d, NULL, NULL);
    doc_new_page(&d);
    /* ﬁnansiering ﬂera eﬀekt oﬃciell eﬄorescens */
    doc_text(&d, "\xEF\xAC\x81nansiering av \xEF\xAC\x82"
                 "era insatser med e\xEF\xAC\x80"
                 "ekt, "
                 "o\xEF\xAC\x83"
                 "ciell e\xEF\xAC\x84"
                 "orescens.");
    return save(&d, out_dir, "ligature.pdf");
}

static bool gen_mixed(const char *out_dir)
{
    doc d;
    doc_open(&d, NULL, NULL);
    doc_new_page(&d);
    doc_text(&d, "FÖRSTA SIDAN med text om samordningsförbundet.");
    doc_new_page(&d);
    doc_image_of_text(&d, "En inskannad bilaga utan textlager.");
    doc_new_page(&d);
    doc_text(&d, "TREDJE SIDAN med text om ej verkställda beslut.");
    return save(&d, out_dir, "mixed.pdf");
}

static bool gen_scanned(const char *out_dir)
{
    doc d;
    doc_open(&d, "Inskannat protokoll", NULL);
    doc_new_page(&d);
    doc_image_of_text(&d, "§ 243 2023.076 SN Förnyelse av medlemskap i Samordningsförbundet "
                          "Insjöriket. Ärendebeskrivning.");
    doc_new_page(&d);
    doc_image_of_text(&d, "Justerandes signatur");
    return save(&d, out_dir, "scanned.pdf");
}

/* A protocol page as a scanner makes it (issue 18, OCR): rendered at 300 dpi into an image,
 * turned by 0.6 degrees, with speckle noise, painted as the page's only content. The text it
 * shows is written to scanned_protocol.expect for the word count. */
static const char *const scanned_protocol[] = {
    "Vara kommun",
    "Protokoll",
    "Kommunstyrelsen",
    "Sammanträdesdatum 2019-03-14",
    "§ 31",
    "Dnr KS 2018/412",
    "Detaljplan för bostäder vid Stationsgatan",
    "Ärendebeskrivning",
    ("Samhällsbyggnadsförvaltningen har tagit fram ett förslag till detaljplan för bostäder "
     "vid Stationsgatan. Planen möjliggör omkring fyrtio nya lägenheter i två huskroppar och "
     "en ny gång- och cykelväg mot stationen. Samråd har hållits under hösten och inkomna "
     "synpunkter har sammanställts i en samrådsredogörelse."),
    "Beslut",
    ("Kommunstyrelsen beslutar att godkänna samrådsredogörelsen och att ställa ut planförslaget "
     "för granskning under tiden 2019-04-01 till 2019-04-29."),
};

static bool gen_scanned_protocol(const char *out_dir)
{
    const double dpi = 300, k = dpi / 72.0;
    int w = (int)(PAGE_W * k), h = (int)(PAGE_H * k);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *icr = cairo_create(img);
    cairo_set_source_rgb(icr, 1, 1, 1);
    cairo_paint(icr);
    cairo_translate(icr, w / 2.0, h / 2.0);
    cairo_rotate(icr, 0.6 * G_PI / 180.0);
    cairo_translate(icr, -w / 2.0, -h / 2.0);
    cairo_scale(icr, k, k);
    cairo_set_source_rgb(icr, 0.1, 0.1, 0.1);
    PangoLayout *layout = pango_cairo_create_layout(icr);
    PangoFontDescription *font = pango_font_description_from_string("DejaVu Serif 11");
    pango_layout_set_font_description(layout, font);
    pango_layout_set_width(layout, (int)((PAGE_W - 2 * MARGIN_X) * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD);
    char *path = path_join(out_dir, "scanned_protocol.expect");
    FILE *expect = path ? fopen(path, "w") : NULL;
    free(path);
    double y = MARGIN_TOP;
    for (size_t i = 0; i < sizeof scanned_protocol / sizeof *scanned_protocol; i++) {
        pango_layout_set_text(layout, scanned_protocol[i], -1);
        cairo_move_to(icr, MARGIN_X, y);
        pango_cairo_show_layout(icr, layout);
        int lw, lh;
        pango_layout_get_size(layout, &lw, &lh);
        y += (double)lh / PANGO_SCALE + 8;
        if (expect)
            fprintf(expect, "%s\n", scanned_protocol[i]);
    }
    if (expect)
        fclose(expect);
    pango_font_description_free(font);
    g_object_unref(layout);
    cairo_destroy(icr);
    /* Speckle: a fixed pseudo-random sequence, so every run makes the same page. */
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    uint32_t state = 12345;
    for (long n = 0; n < (long)w * h / 400; n++) {
        state = state * 1103515245u + 12345u;
        int x = (int)((state >> 8) % (uint32_t)w);
        state = state * 1103515245u + 12345u;
        int yy = (int)((state >> 8) % (uint32_t)h);
        uint32_t grey = 0x60 + (state >> 24) % 0x60;
        ((uint32_t *)(void *)(data + (size_t)yy * (size_t)stride))[x] =
            (grey << 16) | (grey << 8) | grey;
    }
    cairo_surface_mark_dirty(img);
    doc d;
    doc_open(&d, NULL, "2019-03-20T10:00:00+01:00");
    doc_new_page(&d);
    cairo_save(d.cr);
    cairo_scale(d.cr, 1 / k, 1 / k);
    cairo_set_source_surface(d.cr, img, 0, 0);
    cairo_paint(d.cr);
    cairo_restore(d.cr);
    cairo_surface_destroy(img);
    return save(&d, out_dir, "scanned_protocol.pdf");
}

static bool gen_truncated(const char *out_dir)
{
    char *path = path_join(out_dir, "seed_000.pdf");
    size_t len = 0;
    char *data = path ? read_file(path, &len) : NULL;
    free(path);
    if (!data) {
        fprintf(stderr, "pdfgen: seed_000.pdf missing for truncated.pdf\n");
        return false;
    }
    bool ok = write_file(out_dir, "truncated.pdf", data, len * 6 / 10);
    free(data);
    return ok;
}

static bool gen_large(const char *out_dir)
{
    doc d;
    doc_open(&d, "Stort protokoll", NULL);
    d.running = true;
    d.total_pages = 130;
    doc_new_page(&d);
    const size_t n = sizeof multi_protocol / sizeof *multi_protocol;
    for (size_t i = 0; d.page < 130; i = (i + 1) % n) {
        doc_text(&d, multi_protocol[i]);
        doc_gap(&d, 6);
    }
    return save(&d, out_dir, "large.pdf");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: pdfgen SEED_DIR OUT_DIR\n");
        return 2;
    }
    const char *seeds = argv[1], *out = argv[2];
    bool ok = gen_seeds(seeds, out);
    ok = gen_multi(out) && ok;
    ok = gen_two_column(out) && ok;
    ok = gen_hyphen(out) && ok;
    ok = gen_ligature(out) && ok;
    ok = gen_mixed(out) && ok;
    ok = gen_scanned(out) && ok;
    ok = gen_scanned_protocol(out) && ok;
    ok = gen_truncated(out) && ok;
    ok = gen_large(out) && ok;
    return ok ? 0 : 1;
}
