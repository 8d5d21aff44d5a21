/*
 * test_analyzer.c — the Swedish analyzer: a table of Swedish words and what they must (and must
 * not) be indexed as, written from knowledge of Swedish rather than from the analyzer's output;
 * then the tokenizer: offsets, positions, special units, NFC, invalid UTF-8, huge and empty
 * input; then lexicon loading errors.
 *
 * A table row says: the word's main term (STEM) equals that of every word in `same`; for every
 * word in `parts`, that word's STEM is one of the row word's terms (a compound part); no word in
 * `differs` has the row word's STEM; none of `notparts` (literal strings) is among its terms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "analyzer_testutil.h"

typedef struct {
    const char *word;
    const char *same;     /* words with the same STEM */
    const char *parts;    /* words whose STEM is among the word's terms */
    const char *differs;  /* words whose STEM must differ */
    const char *notparts; /* literal terms the word must not have */
} row;

static const row table[] = {
    /* the definite neuter -et / -t meets the base form */
    {"beslutet", "beslut besluten besluts beslutets", NULL, NULL, NULL},
    {"protokollet", "protokoll protokollen protokollets", NULL, NULL, NULL},
    {"förbundet", "förbund förbunden förbundets", NULL, NULL, NULL},
    {"ärendet", "ärende ärenden ärendena ärendets", NULL, NULL, NULL},
    {"utträdet", "utträde utträden", NULL, NULL, NULL},
    {"underlaget", "underlag underlagen", NULL, NULL, NULL},
    {"yttrandet", "yttrande yttranden", NULL, NULL, NULL},
    {"arbetet", "arbete arbeten arbetets", NULL, NULL, NULL},
    {"samarbetet", "samarbete samarbeten", NULL, NULL, NULL},
    {"ansvaret", "ansvar ansvarets", NULL, NULL, NULL},
    {"mötet", "möte möten mötets", NULL, NULL, NULL},
    {"förslaget", "förslag förslagen", NULL, NULL, NULL},
    {"avtalet", "avtal avtalen", NULL, NULL, NULL},
    {"uppdraget", "uppdrag uppdragen", NULL, NULL, NULL},
    {"bidraget", "bidrag bidragen", NULL, NULL, NULL},
    {"området", "område områden", NULL, NULL, NULL},
    {"sammanträdet", "sammanträde sammanträden", NULL, NULL, NULL},
    {"företaget", "företag företagen", NULL, NULL, NULL},
    {"huset", "hus husen", NULL, NULL, NULL},
    {"barnet", "barn barnen barnens", NULL, NULL, NULL},
    {"året", "år åren", NULL, NULL, NULL},
    {"beloppet", "belopp beloppen", NULL, NULL, NULL},
    {"värdet", "värde värden", NULL, NULL, NULL},
    {"behovet", "behov behoven", NULL, NULL, NULL},
    {"resultatet", "resultat resultaten", NULL, NULL, NULL},
    {"arvodet", "arvode arvoden", NULL, NULL, NULL},
    {"stödet", "stöd", NULL, NULL, NULL},
    {"yrkandet", "yrkande yrkanden", NULL, NULL, NULL},
    {"anslaget", "anslag anslagen", NULL, NULL, NULL},
    {"bygglovet", "bygglov", NULL, NULL, NULL},
    {"tillståndet", "tillstånd tillstånden", NULL, NULL, NULL},
    {"reglementet", "reglemente reglementen", NULL, NULL, NULL},
    {"betänkandet", "betänkande", NULL, NULL, NULL},
    {"projektet", "projekt projekten", NULL, NULL, NULL},
    {"kontoret", "kontor kontoren", NULL, NULL, NULL},
    {"programmet", "program programmen", NULL, NULL, NULL},
    {"brevet", "brev breven", NULL, NULL, NULL},
    {"svaret", "svar svaren", NULL, NULL, NULL},
    {"målet", "mål målen", NULL, NULL, NULL},
    {"systemet", "system systemen", NULL, NULL, NULL},
    {"problemet", "problem problemen", NULL, NULL, NULL},
    {"underskottet", "underskott", NULL, NULL, NULL},
    {"överskottet", "överskott", NULL, NULL, NULL},
    {"avsnittet", "avsnitt", NULL, NULL, NULL},
    {"materialet", "material", NULL, NULL, NULL},
    {"innehållet", "innehåll", NULL, NULL, NULL},
    {"samhället", "samhälle samhällen", NULL, NULL, NULL},
    {"utskottet", "utskott utskotten", NULL, NULL, NULL},
    {"biträdet", "biträde", NULL, NULL, NULL},
    {"ombudet", "ombud ombuden", NULL, NULL, NULL},
    {"avslaget", "avslag", NULL, NULL, NULL},
    {"tillägget", "tillägg tilläggen", NULL, NULL, NULL},
    {"läget", "läge lägen", NULL, NULL, NULL},
    {"BESLUTET", "beslut", NULL, NULL, NULL},
    {"Ärendet", "ärende", NULL, NULL, NULL},
    /* "et" that belongs to the word: every form shares one stem, nothing unrelated collides */
    {"budget", "budgeten budgetar budgetens", NULL, "bud budet", NULL},
    {"paket", "paketet paketen paketets", NULL, "pakt packe", NULL},
    {"staket", "staketet staketen", NULL, "stake", "stake tet"},
    {"tapet", "tapeten tapeter", NULL, "tapp", NULL},
    {"komet", "kometen kometer", NULL, "kom komma", NULL},
    {"raket", "raketen raketer", NULL, "rak raka", NULL},
    {"profet", "profeten profeter", NULL, "prof", NULL},
    {"planeten", "planeter", NULL, "plan planen", NULL},
    {"enheten", "enhet enheter", NULL, NULL, NULL},
    {"verksamheten", "verksamhet verksamheter", NULL, NULL, NULL},
    {"möjligheten", "möjlighet möjligheter", NULL, NULL, NULL},
    /* adjectives: neuter -t meets the other forms */
    {"angeläget", "angelägen", NULL, NULL, NULL},
    {"nervöst", "nervös nervösa", NULL, NULL, NULL},
    {"religiöst", "religiös religiösa", NULL, NULL, NULL},
    {"generöst", "generös generösa", NULL, NULL, NULL},
    {"seriöst", "seriös seriösa", NULL, NULL, NULL},
    {"stort", "stor stora", NULL, NULL, NULL},
    {"öppet", "öppen", NULL, NULL, NULL},
    /* ordinary inflection (what Snowball already does must keep working) */
    {"kommunerna", "kommun kommunen kommuner", NULL, NULL, NULL},
    {"nämnderna", "nämnd nämnden nämnder", NULL, NULL, NULL},
    {"styrelsens", "styrelse styrelsen", NULL, NULL, NULL},
    {"förvaltningarna", "förvaltning förvaltningen", NULL, NULL, NULL},
    {"beslutade", "beslut besluta beslutar beslutat", NULL, NULL, NULL},
    {"handlingarna", "handling handlingar", NULL, NULL, NULL},
    {"insatserna", "insats insatser", NULL, NULL, NULL},
    {"kostnaderna", "kostnad kostnader", NULL, NULL, NULL},
    {"medlemmarna", "medlem medlemmar", NULL, NULL, NULL},
    {"åtgärderna", "åtgärd åtgärder", NULL, NULL, NULL},
    {"utredningen", "utredning utredningar", NULL, NULL, NULL},
    {"revisorerna", "revisor revisorer", NULL, NULL, NULL},
    {"skolorna", "skola skolor", NULL, NULL, NULL},
    {"eleverna", "elev elever", NULL, NULL, NULL},
    {"kronor", "krona kronorna", NULL, NULL, NULL},
    {"miljoner", "miljon miljonerna", NULL, NULL, NULL},
    {"marknaden", "marknad", NULL, NULL, NULL},
    /* compounds: the whole word plus its parts */
    {"samordningsförbundet", "samordningsförbund", "samordning förbund", NULL, NULL},
    {"SAMORDNINGSFÖRBUNDET", "samordningsförbund", "förbund", NULL, NULL},
    {"länsförbundet", "länsförbund", "förbund", NULL, NULL},
    {"rehabiliteringsinsatser", "rehabiliteringsinsats", "rehabilitering insats", NULL, NULL},
    {"arbetsmarknaden", "arbetsmarknad", "arbete marknad", NULL, "smarknad"},
    {"utbildningsförvaltningen", "utbildningsförvaltning", "utbildning förvaltning", NULL, NULL},
    {"socialförvaltningen", NULL, "social förvaltning", NULL, NULL},
    {"kommunstyrelsen", NULL, "kommun styrelse", NULL, NULL},
    {"kommunfullmäktige", NULL, "kommun fullmäktige", NULL, NULL},
    {"socialnämnden", NULL, "social nämnd", NULL, NULL},
    {"gatubelysningen", NULL, "gata belysning", NULL, NULL},
    {"kvinnojouren", NULL, "kvinna jour", NULL, NULL},
    {"tullokalen", NULL, "tull lokal", NULL, NULL},
    {"valnämnden", NULL, "val nämnd", NULL, NULL},
    {"kommunalrådet", "kommunalråd", "kommunal råd", NULL, NULL},
    {"budgetförslaget", "budgetförslag", "budget förslag", NULL, NULL},
    {"driftbudgeten", NULL, "drift budget", NULL, NULL},
    {"investeringsbudgeten", NULL, "investering budget", NULL, NULL},
    {"ekonomichefen", NULL, "ekonomi chef", NULL, NULL},
    {"bostadsbolaget", NULL, "bostad bolag", NULL, NULL},
    {"detaljplanen", NULL, "detalj plan", NULL, NULL},
    {"verksamhetsplanen", NULL, "verksamhet plan", NULL, NULL},
    {"avfallshanteringen", NULL, "avfall hantering", NULL, NULL},
    {"samhällsbyggnadsförvaltningen", NULL, "samhällsbyggnad förvaltning", NULL, NULL},
    {"folkhälsorådet", NULL, "hälsa råd", NULL, NULL},
    {"förvaltningschefen", NULL, "förvaltning chef", NULL, NULL},
    {"kulturnämnden", NULL, "kultur nämnd", NULL, NULL},
    {"miljönämnden", NULL, "miljö nämnd", NULL, NULL},
    {"byggnadsnämnden", NULL, "byggnad nämnd", NULL, NULL},
    {"vattenförsörjningen", NULL, "vatten försörjning", NULL, NULL},
    {"personalutskottet", NULL, "personal utskott", NULL, NULL},
    {"tjänsteskrivelsen", NULL, "tjänst skrivelse", NULL, NULL},
    {"äldreomsorgen", NULL, "omsorg", NULL, NULL},
    {"grundskolan", NULL, "grund skola", NULL, NULL},
    {"förskoleverksamheten", NULL, "förskola verksamhet", NULL, NULL},
    {"arbetsförmedlingen", NULL, "arbete förmedling", NULL, NULL},
    {"försäkringskassan", NULL, "försäkring kassa", NULL, NULL},
    {"medlemskommunerna", NULL, "medlem kommun", NULL, NULL},
    {"uppsägningstiden", NULL, "uppsägning tid", NULL, NULL},
    {"målgruppen", NULL, "mål grupp", NULL, NULL},
    {"barnomsorgen", NULL, "barn omsorg", NULL, NULL},
    {"fastighetsskatten", NULL, "fastighet skatt", NULL, NULL},
    {"årsredovisningen", NULL, "år redovisning", NULL, NULL},
    {"sammanträdesprotokollet", NULL, "sammanträde protokoll", NULL, NULL},
    {"regionfullmäktige", NULL, "region fullmäktige", NULL, NULL},
    {"landsbygdsutveckling", NULL, "landsbygd utveckling", NULL, NULL},
    {"trafiksäkerheten", NULL, "trafik säkerhet", NULL, NULL},
    {"ungdomsmottagningen", NULL, "ungdom mottagning", NULL, NULL},
    {"Götalandsregionen", NULL, "region", NULL, NULL},
    {"hälsostärkande", NULL, "hälsa", NULL, NULL},
    /* not compounds, or not split into nonsense */
    {"kultur", NULL, NULL, NULL, "kul tur"},
    {"kommunen", "kommun", NULL, NULL, "kom mun"},
    {"staketet", "staket", NULL, NULL, "stak tet"},
    {"personalen", "personal", NULL, NULL, "person"},
    {"informationen", "information", NULL, NULL, NULL},
    {"organisationen", "organisation", NULL, NULL, NULL},
    {"konserten", "konsert", NULL, NULL, "kon"},
    {"arbetsmarknad", NULL, "marknad", NULL, "smarknad"},
    {"företrädare", "företräde", NULL, "rädd", NULL},
    {"ledamöterna", "ledamöter", NULL, NULL, NULL},
    /* derivational suffixes are no compound heads */
    {"medlemskapet", "medlemskap medlemskapen medlemskaps", NULL, NULL, "kap skap"},
    {"landskapet", "landskap landskapen", NULL, NULL, "kap skap"},
    {"sjukdomen", "sjukdom sjukdomar", NULL, NULL, "dom"},
    {"fattigdomen", "fattigdom", NULL, NULL, "dom"},
    {"ungdomarna", "ungdom ungdomar", NULL, NULL, "dom"},
    {"sekretessen", "sekretess", NULL, NULL, "ess"},
    {"socialisten", "socialist socialister", NULL, NULL, "ist"},
    {"kommunismen", "kommunism", NULL, NULL, "ism"},
    {"kulturella", "kulturell", NULL, NULL, "ell"},
    {"verksamma", "verksam", NULL, NULL, "sam"},
    {"hållbara", "hållbar", NULL, NULL, "bar"},
    {"romantiken", "romantik", NULL, NULL, "tik"},
    {"arbetsgemenskapen", NULL, "arbete gemenskap", NULL, NULL},
    {"landsbygdsgemenskap", NULL, "landsbygd gemenskap", NULL, NULL},
    {"riksdagsledamöterna", NULL, "riksdag ledamot", NULL, NULL},
    {"tingsrättsdomen", NULL, "tingsrätt dom", NULL, NULL},
    {"virussjukdomar", NULL, "virus sjukdom", NULL, NULL},
    {"lokalpressen", NULL, "lokal press", NULL, NULL},
    {"arbetsmarknadsenheten", NULL, "arbetsmarknad enhet", NULL, "sen"},
    {"säkerhetsenheten", NULL, "säkerhet enhet", NULL, NULL},
    {"mattsson", NULL, NULL, NULL, "son"},
    /* words hunspell lists whole that are transparent compounds */
    {"husvagnen", "husvagn husvagnar", "hus vagn", NULL, NULL},
    {"dagsläget", "dagsläge", "dag läge", NULL, NULL},
    {"skolmaten", "skolmat", "skola mat", NULL, NULL},
    {"barnbidraget", "barnbidrag barnbidragen", "barn bidrag", NULL, NULL},
    {"busshållplatsen", "busshållplats", "buss hållplats", NULL, NULL},
    {"matsalen", "matsal matsalar", "mat sal", NULL, NULL},
    {"skolgården", "skolgård skolgårdar", "skola gård", NULL, NULL},
    {"elevhälsan", "elevhälsa", "elev hälsa", NULL, NULL},
    {"hemtjänsten", "hemtjänst", "hem tjänst", NULL, NULL},
    {"vårdnadshavaren", NULL, "vårdnad", NULL, NULL},
    {"fotbollsplanen", NULL, "fotboll plan", NULL, NULL},
    {"trädgården", "trädgård", "träd gård", NULL, NULL},
    /* a linking s or the head's own s: a listed beginning wins a one-letter-longer head */
    {"försvarsmakten", NULL, NULL, NULL, "smak försv"},
    {"hyresvärden", NULL, "hyra värd", NULL, "svärd"},
    {"kompassnålen", NULL, "kompass nål", NULL, "snål"},
    {"årsbokslutet", NULL, "år bokslut", NULL, "årsbok"},
    {"idrottsplatsen", NULL, "idrott", NULL, "splat"},
    {"parkeringsplatsen", NULL, "parkering", NULL, "splat"},
    {"försvaret", "försvar försvarets", NULL, NULL, NULL},
    {"konstrådet", NULL, "konst råd", NULL, "tråd"},
    {"remissvar", NULL, "remiss svar", NULL, NULL},
    /* ... and words hunspell lists whole that are not, or not that way */
    {"rapporteringen", "rapportering", NULL, NULL, "rapp port ring"},
    {"föreslår", NULL, NULL, NULL, "föres lår"},
    {"planeringen", "planering", NULL, NULL, "plan ring"},
    {"förslaget", NULL, NULL, NULL, "för lag"},
    {"avgiften", "avgift", NULL, NULL, "gift"},
    {"uppdraget", NULL, NULL, NULL, "drag"},
    {"protokollet", NULL, NULL, NULL, "koll"},
    {"kommunala", "kommunal", NULL, NULL, "kommun"},
    {"närvaron", "närvaro", NULL, NULL, "när"},
    {"ekonomen", "ekonom", NULL, NULL, "eka eko nom nomad"},
    {"regeringsår", NULL, NULL, NULL, "sår"},
    {"transporten", "transport", NULL, NULL, "tran"},
    {"motorcykeln", NULL, NULL, NULL, "mot"},
    {"kommunfullmäktiges", NULL, "kommun", NULL, "full mäkt"},
    {"programmet", "program", NULL, NULL, "met"},
    {"kontorets", "kontor", NULL, NULL, "konto ret"},
    {"budgetåret", "budgetår", "budget år", NULL, NULL},
    {"storleken", "storlek", NULL, NULL, "stor lek"},
    {"bokstaven", "bokstav", NULL, NULL, "bok stav"},
    {"fortsätter", "fortsätta", NULL, NULL, "fort"},
    {"fortfarande", NULL, NULL, NULL, "fort far"},
    /* plurals with umlaut meet their singular; no unrelated word joins them */
    {"ledamot", "ledamoten ledamots ledamöter ledamöterna ledamöternas", NULL, NULL, NULL},
    {"böckerna", "bok boken böcker", NULL, "bock", NULL},
    {"sönerna", "son sonen söner", NULL, NULL, NULL},
    {"bokstäverna", "bokstav bokstaven bokstäver", NULL, NULL, NULL},
    {"döttrarna", "dotter döttrar", NULL, NULL, NULL},
    {"männen", "män", NULL, NULL, NULL},
    {"tjänstemännen", "tjänstemän", "tjänst man", NULL, NULL},
    {"land", "landet", NULL, "länd", NULL},
    {"stad", "staden", NULL, "städa", NULL},
    /* abbreviations with or without their last dot (or all dots) */
    {"t.ex", "t.ex.", NULL, "tex", NULL},
    {"bl.a", "bl.a.", NULL, NULL, NULL},
    {"m.m", "m.m.", NULL, NULL, NULL},
    {"d.v.s", "d.v.s. dvs dvs.", NULL, NULL, NULL},
    {"osv", "o.s.v. o.s.v", NULL, NULL, NULL},
    {"fr.o.m", "fr.o.m.", NULL, NULL, NULL},
    {"t.o.m", "t.o.m.", NULL, NULL, NULL},
    {"kommunalskatten", "kommunalskatt", "kommunal skatt", NULL, NULL},
    {"skattesatsen", NULL, "skatt", NULL, NULL},
    {"protokollsutdraget", "protokollsutdrag", "protokoll utdrag", NULL, NULL},
};

typedef struct {
    ps_lexicon *lex;
    ps_analyzer *an;
    ps_analyzer *exact;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    ps_error err;
    if (!f || ps_lexicon_load(NULL, &f->lex, &err) != PS_OK ||
        ps_analyzer_new(f->lex, PS_ANALYZER_SWEDISH, &f->an, &err) != PS_OK ||
        ps_analyzer_new(NULL, PS_ANALYZER_EXACT_SNOWBALL, &f->exact, &err) != PS_OK) {
        fprintf(stderr, "setup: %s\n", err.message);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ps_analyzer_free(f->an);
    ps_analyzer_free(f->exact);
    ps_lexicon_free(f->lex);
    free(f);
    return 0;
}

/* The single token of a word. */
static tu_token word_token(ps_analyzer *an, const char *word)
{
    tu_tokens ts;
    assert_int_equal(tu_run(an, word, &ts), PS_OK);
    if (ts.n != 1)
        fail_msg("%s: expected one token, got %zu", word, ts.n);
    return ts.tok[0];
}

static void test_table(void **state)
{
    fixture *f = *state;
    size_t failures = 0, words = 0;
    for (size_t r = 0; r < sizeof table / sizeof table[0]; r++) {
        const row *w = &table[r];
        tu_token t = word_token(f->an, w->word);
        words++;
        assert_int_equal(t.kinds[0], PS_TERM_STEM);
        char buf[512];
        const char *lists[4] = {w->same, w->parts, w->differs, w->notparts};
        for (int l = 0; l < 4; l++) {
            if (!lists[l])
                continue;
            snprintf(buf, sizeof buf, "%s", lists[l]);
            for (char *o = strtok(buf, " "); o; o = strtok(NULL, " ")) {
                bool ok;
                if (l == 3) {
                    ok = !tu_has(&t, o);
                } else {
                    tu_token other = word_token(f->an, o);
                    words += l != 2;
                    if (l == 0)
                        ok = strcmp(other.terms[0], t.terms[0]) == 0;
                    else if (l == 1)
                        ok = tu_has_kind(&t, other.terms[0], PS_TERM_PART);
                    else
                        ok = strcmp(other.terms[0], t.terms[0]) != 0;
                }
                if (!ok) {
                    static const char *const what[] = {"same stem as", "part", "differs from",
                                                       "no term"};
                    fprintf(stderr, "FAIL %s (stem %s): %s %s\n", w->word, t.terms[0], what[l], o);
                    failures++;
                }
            }
        }
    }
    fprintf(stderr, "%zu rows, %zu words checked\n", sizeof table / sizeof table[0], words);
    assert_true(sizeof table / sizeof table[0] >= 150);
    assert_int_equal(failures, 0);
}

/* Offsets, positions, normalized forms and the terms of each kind. */
static void test_offsets_and_positions(void **state)
{
    fixture *f = *state;
    tu_tokens ts;
    const char *text = "Beslut om utträde ur Samordningsförbundet.";
    assert_int_equal(tu_run(f->an, text, &ts), PS_OK);
    assert_int_equal(ts.n, 5);
    static const struct {
        size_t start, end;
        const char *norm;
    } want[] = {{0, 6, "beslut"},
                {7, 9, "om"},
                {10, 18, "utträde"},
                {19, 21, "ur"},
                {22, 43, "samordningsförbundet"}};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(ts.tok[i].start, want[i].start);
        assert_int_equal(ts.tok[i].end, want[i].end);
        assert_int_equal(ts.tok[i].pos, i + 1);
        assert_string_equal(ts.tok[i].norm, want[i].norm);
    }
    assert_true(ts.tok[1].flags & PS_TOKEN_STOPWORD);
    assert_false(ts.tok[0].flags & PS_TOKEN_STOPWORD);
    const tu_token *c = &ts.tok[4];
    assert_true(c->flags & PS_TOKEN_COMPOUND);
    assert_true(tu_has_kind(c, "samordningsförbund", PS_TERM_STEM));
    assert_true(tu_has_kind(c, "samordningsförbundet", PS_TERM_EXACT));
    assert_true(tu_has_kind(c, "samordning", PS_TERM_PART));
    assert_true(tu_has_kind(c, "förbund", PS_TERM_PART));
}

/* The query side sees the same terms: a compound query brings its parts for phrase matching. */
static void test_query_compound(void **state)
{
    fixture *f = *state;
    tu_tokens ts;
    ps_error err;
    memset(&ts, 0, sizeof ts);
    assert_int_equal(ps_analyzer_run(f->an, "samordningsförbund och",
                                     strlen("samordningsförbund och"), PS_ANALYZE_QUERY, tu_collect,
                                     &ts, &err),
                     PS_OK);
    assert_int_equal(ts.n, 2);
    assert_string_equal(ts.tok[0].terms[0], "samordningsförbund");
    assert_true(tu_has_kind(&ts.tok[0], "samordning", PS_TERM_PART));
    assert_true(tu_has_kind(&ts.tok[0], "förbund", PS_TERM_PART));
    assert_true(ts.tok[1].flags & PS_TOKEN_STOPWORD);
    /* its own parts come first, in order: as a phrase they match the split spelling */
    assert_int_equal(ts.tok[0].compound_parts, 2);
    assert_string_equal(tu_part(&ts.tok[0], 0), "samordning");
    assert_string_equal(tu_part(&ts.tok[0], 1), "förbund");
    assert_int_equal(ts.tok[1].compound_parts, 0);
    tu_token t = word_token(f->an, "arbetsmarknadsnämnden");
    assert_int_equal(t.compound_parts, 2);
    tu_token p0 = word_token(f->an, "arbetsmarknad");
    tu_token p1 = word_token(f->an, "nämnd");
    assert_string_equal(tu_part(&t, 0), p0.terms[0]);
    assert_string_equal(tu_part(&t, 1), p1.terms[0]);
    t = word_token(f->an, "ESF-projektet");
    assert_int_equal(t.compound_parts, 2);
    assert_string_equal(tu_part(&t, 0), "esf");
    /* the split spelling indexes the same two stems at consecutive positions */
    assert_int_equal(tu_run(f->an, "Samordning förbundet", &ts), PS_OK);
    assert_string_equal(ts.tok[0].terms[0], "samordning");
    assert_string_equal(ts.tok[1].terms[0], "förbund");
    assert_int_equal(ts.tok[1].pos, ts.tok[0].pos + 1);
}

static void test_special_units(void **state)
{
    fixture *f = *state;
    tu_tokens ts;
    const char *text = "§ 243 2023.076 SN beslut 2021-05-26 om 375 000 kr, t.ex. bl.a. m.m. "
                       "info@alingsas.se https://www.alingsas.se/protokoll. ESF-projektet IVO "
                       "ACTivera kl. 18.00";
    assert_int_equal(tu_run(f->an, text, &ts), PS_OK);
    size_t i = 0;
    const tu_token *t = &ts.tok[i++];
    assert_true(t->flags & PS_TOKEN_PARAGRAPH);
    assert_int_equal(t->start, 0);
    assert_int_equal(t->end, 6);
    assert_true(tu_has_kind(t, "§243", PS_TERM_STEM));
    assert_true(tu_has_kind(t, "§ 243", PS_TERM_WHOLE));
    t = &ts.tok[i++];
    assert_true(t->flags & PS_TOKEN_DNR);
    assert_int_equal(t->start, 7);
    assert_int_equal(t->end, 18);
    assert_true(tu_has_kind(t, "2023.076", PS_TERM_STEM));
    assert_true(tu_has_kind(t, "2023.076 sn", PS_TERM_WHOLE));
    assert_string_equal(ts.tok[i++].terms[0], "beslut");
    t = &ts.tok[i++];
    assert_true(t->flags & PS_TOKEN_DATE);
    assert_string_equal(t->terms[0], "2021-05-26");
    assert_string_equal(ts.tok[i++].norm, "om");
    t = &ts.tok[i++];
    assert_true(t->flags & PS_TOKEN_NUMBER);
    assert_true(tu_has_kind(t, "375000", PS_TERM_STEM));
    assert_true(tu_has_kind(t, "375 000", PS_TERM_WHOLE));
    assert_string_equal(ts.tok[i++].norm, "kr");
    for (int k = 0; k < 3; k++) {
        t = &ts.tok[i++];
        assert_true(t->flags & PS_TOKEN_ABBREV);
    }
    assert_string_equal(ts.tok[i - 3].terms[0], "t.ex.");
    assert_string_equal(ts.tok[i - 2].terms[0], "bl.a.");
    assert_string_equal(ts.tok[i - 1].terms[0], "m.m.");
    t = &ts.tok[i++];
    assert_true(t->flags & PS_TOKEN_EMAIL);
    assert_string_equal(t->terms[0], "info@alingsas.se");
    t = &ts.tok[i++];
    assert_true(t->flags & PS_TOKEN_URL);
    assert_string_equal(t->terms[0], "https://www.alingsas.se/protokoll");
    t = &ts.tok[i++];
    assert_string_equal(t->norm, "esf-projektet");
    assert_true(tu_has_kind(t, "esf", PS_TERM_PART));
    char projekt[TU_TERM_LEN];
    {
        tu_tokens p;
        assert_int_equal(tu_run(f->an, "projektet", &p), PS_OK);
        strcpy(projekt, p.tok[0].terms[0]);
    }
    assert_true(tu_has_kind(t, projekt, PS_TERM_PART));
    assert_string_equal(ts.tok[i++].norm, "ivo");
    assert_string_equal(ts.tok[i++].norm, "activera");
    assert_string_equal(ts.tok[i++].norm, "kl");
    t = &ts.tok[i++];
    assert_true(t->flags & PS_TOKEN_NUMBER);
    assert_string_equal(t->terms[0], "18.00");
    assert_int_equal(ts.n, i);
    /* a diarienummer broken over two lines, and the year/number form */
    assert_int_equal(tu_run(f->an, "Insjöriket, 2023.076  \nSN\nKS 2021/123", &ts), PS_OK);
    assert_int_equal(ts.n, 4);
    assert_true(ts.tok[1].flags & PS_TOKEN_DNR);
    assert_int_equal(ts.tok[1].start, 13);
    assert_int_equal(ts.tok[1].end, 26);
    assert_true(tu_has_kind(&ts.tok[1], "2023.076", PS_TERM_STEM));
    assert_true(tu_has_kind(&ts.tok[1], "2023.076 sn", PS_TERM_WHOLE));
    assert_string_equal(ts.tok[2].norm, "ks");
    assert_true(ts.tok[3].flags & PS_TOKEN_DNR);
    assert_string_equal(ts.tok[3].terms[0], "2021/123");
    /* "§ 94" typed as a query gives the same terms as in the text */
    assert_int_equal(tu_run(f->an, "§94", &ts), PS_OK);
    assert_string_equal(ts.tok[0].terms[0], "§94");
}

static void test_ellipsis_compounds(void **state)
{
    fixture *f = *state;
    tu_tokens ts;
    const char *text = "kultur- och utbildningsförvaltningen samt social- och "
                       "arbetsmarknadsnämnden";
    assert_int_equal(tu_run(f->an, text, &ts), PS_OK);
    assert_int_equal(ts.n, 7);
    const tu_token *k = &ts.tok[0];
    assert_int_equal(k->start, 0);
    assert_int_equal(k->end, 7); /* "kultur-" with its hyphen */
    assert_int_equal(k->pos, 1);
    tu_token q = word_token(f->an, "kulturförvaltningen");
    assert_true(tu_has_kind(k, q.terms[0], PS_TERM_PART));
    assert_int_equal(ts.tok[1].pos, 2);
    assert_int_equal(ts.tok[2].pos, 3);
    const tu_token *s = &ts.tok[4];
    assert_string_equal(s->norm, "social-");
    q = word_token(f->an, "socialnämnden");
    assert_true(tu_has_kind(s, q.terms[0], PS_TERM_PART));
    /* a dangling hyphen without a completing compound stays an ordinary word */
    assert_int_equal(tu_run(f->an, "kultur- och", &ts), PS_OK);
    assert_int_equal(ts.n, 2);
    assert_string_equal(ts.tok[0].terms[0], "kultur");
    /* U+2010 / U+2011 hyphens (word processors, PDFs) work as "-" does, spans unchanged;
     * the fuzzer once found the completion cutting U+2010 in half */
    tu_tokens u;
    assert_int_equal(tu_run(f->an, "kultur\xE2\x80\x90 och utbildningsförvaltningen "
                                   "ESF\xE2\x80\x91projektet",
                            &u),
                     PS_OK);
    assert_int_equal(tu_run(f->an, "kultur- och utbildningsförvaltningen ESF-projektet", &ts),
                     PS_OK);
    assert_int_equal(u.n, 4);
    assert_int_equal(u.tok[0].end, 9);
    assert_int_equal(u.tok[3].end, u.tok[3].start + 15);
    for (size_t i = 0; i < u.n; i++) {
        assert_string_equal(u.tok[i].norm, ts.tok[i].norm);
        assert_int_equal(u.tok[i].nterms, ts.tok[i].nterms);
        for (size_t k = 0; k < u.tok[i].nterms; k++)
            assert_string_equal(u.tok[i].terms[k], ts.tok[i].terms[k]);
    }
}

static void test_nfc_and_case(void **state)
{
    fixture *f = *state;
    tu_tokens a, b;
    /* "Ärendet" decomposed: A + U+0308; "Åtgärd" with A + U+030A */
    assert_int_equal(tu_run(f->an, "A\xCC\x88rendet A\xCC\x8Atga\xCC\x88rd", &a), PS_OK);
    assert_int_equal(tu_run(f->an, "ärendet åtgärd", &b), PS_OK);
    assert_int_equal(a.n, 2);
    assert_string_equal(a.tok[0].norm, "ärendet");
    assert_string_equal(a.tok[0].terms[0], b.tok[0].terms[0]);
    assert_string_equal(a.tok[1].norm, "åtgärd");
    assert_int_equal(a.tok[1].start, 10);
    assert_int_equal(a.tok[1].end, 20);
    /* soft hyphens from PDF text vanish from the normalized form */
    assert_int_equal(tu_run(f->an, "proto\xC2\xADkollet", &a), PS_OK);
    assert_int_equal(a.n, 1);
    assert_string_equal(a.tok[0].norm, "protokollet");
    assert_string_equal(a.tok[0].terms[0], "protokoll");
}

static void test_invalid_utf8(void **state)
{
    fixture *f = *state;
    tu_tokens ts;
    const char text[] = "beslut \xFF\xFE ärende\xC3 x\xE2\x82 \xED\xA0\x80 slut";
    ps_error err;
    memset(&ts, 0, sizeof ts);
    assert_int_equal(ps_analyzer_run(f->an, text, sizeof text - 1, 0, tu_collect, &ts, &err),
                     PS_OK);
    size_t first;
    assert_int_equal(ps_analyzer_invalid_bytes(f->an, &first), 8);
    assert_int_equal(first, 7);
    assert_int_equal(ts.n, 4);
    assert_string_equal(ts.tok[0].norm, "beslut");
    assert_string_equal(ts.tok[1].norm, "ärende");
    assert_int_equal(ts.tok[1].start, 10);
    assert_int_equal(ts.tok[1].end, 17);
    assert_string_equal(ts.tok[2].norm, "x");
    assert_string_equal(ts.tok[3].norm, "slut");
    for (size_t i = 0; i < ts.n; i++)
        assert_true(ts.tok[i].end <= sizeof text - 1);
}

static void test_empty_and_blank(void **state)
{
    fixture *f = *state;
    tu_tokens ts;
    ps_error err;
    memset(&ts, 0, sizeof ts);
    assert_int_equal(ps_analyzer_run(f->an, "", 0, 0, tu_collect, &ts, &err), PS_OK);
    assert_int_equal(ts.n, 0);
    assert_int_equal(tu_run(f->an, " \n\t.,;:!?-–— ", &ts), PS_OK);
    assert_int_equal(ts.n, 0);
    assert_int_equal(ps_analyzer_run(f->an, NULL, 0, 0, tu_collect, &ts, &err), PS_OK);
}

/* 1 MB without a space: one token, terms within the limit, and in reasonable time. */
static void test_huge_token(void **state)
{
    fixture *f = *state;
    size_t n = 1u << 20;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = "samordningsförbund"[i % 8];
    big[n] = '\0';
    tu_tokens ts;
    assert_int_equal(tu_run(f->an, big, &ts), PS_OK);
    assert_int_equal(ts.n, 1);
    assert_int_equal(ts.tok[0].start, 0);
    assert_int_equal(ts.tok[0].end, n);
    for (size_t i = 0; i < ts.tok[0].nterms; i++)
        assert_true(strlen(ts.tok[0].terms[i]) <= PS_ANALYZER_TERM_MAX);
    /* dots and hyphens every other byte: many short tokens, never quadratic */
    for (size_t i = 0; i < n; i++)
        big[i] = i % 2 ? (i % 4 == 1 ? '.' : '-') : 'a';
    assert_int_equal(tu_run(f->an, big, &ts), PS_OK);
    assert_true(ts.n >= 1);
    /* a multi-byte letter repeated: the term limit never cuts inside a UTF-8 sequence */
    for (size_t i = 0; i + 1 < n; i += 2) {
        big[i] = (char)0xC3;
        big[i + 1] = (char)0xA5;
    }
    assert_int_equal(tu_run(f->an, big, &ts), PS_OK);
    assert_int_equal(ts.n, 1);
    assert_int_equal(strlen(ts.tok[0].terms[0]) % 2, 0);
    free(big);
}

static bool stop_after_two(void *ctx, const ps_token *t)
{
    (void)t;
    return ++*(int *)ctx < 2;
}

static void test_callback_stops(void **state)
{
    fixture *f = *state;
    int seen = 0;
    ps_error err;
    const char *text = "ett två tre fyra fem";
    assert_int_equal(ps_analyzer_run(f->an, text, strlen(text), 0, stop_after_two, &seen, &err),
                     PS_OK);
    assert_int_equal(seen, 2);
}

/* Exact mode is plain libstemmer: no -et rule, no parts. */
static void test_exact_mode(void **state)
{
    fixture *f = *state;
    tu_tokens ts;
    assert_int_equal(tu_run(f->exact, "beslutet samordningsförbundet", &ts), PS_OK);
    assert_int_equal(ts.n, 2);
    assert_string_equal(ts.tok[0].terms[0], "beslutet");
    assert_string_equal(ts.tok[1].terms[0], "samordningsförbundet");
    for (size_t i = 0; i < ts.tok[1].nterms; i++)
        assert_int_not_equal(ts.tok[1].kinds[i], PS_TERM_PART);
}

static void test_lexicon_errors(void **state)
{
    fixture *f = *state;
    ps_lexicon *lex = NULL;
    ps_error err;
    assert_int_equal(ps_lexicon_load("/nonexistent/lexicon.bin", &lex, &err), PS_ERR_NOT_FOUND);
    assert_null(lex);
    assert_string_equal(err.file, "/nonexistent/lexicon.bin");
    char path[512];
    snprintf(path, sizeof path, "%s/analyzer_bad_lexicon.bin", PS_TEST_TMPDIR);
    (void)!system("mkdir -p " PS_TEST_TMPDIR);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs("this is not a lexicon, but it is long enough to have a header", fp);
    fclose(fp);
    assert_int_equal(ps_lexicon_load(path, &lex, &err), PS_ERR_VERSION);
    assert_string_equal(err.file, path);
    assert_null(lex);
    assert_true(strlen(ps_lexicon_version(f->lex)) > 8);
    ps_analyzer *an = NULL;
    assert_int_equal(ps_analyzer_new(NULL, PS_ANALYZER_SWEDISH, &an, &err), PS_ERR_INVALID);
    assert_null(an);
}

static void assert_same_tokens(const tu_tokens *a, const tu_tokens *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->stored, b->stored);
    for (size_t i = 0; i < a->stored; i++) {
        const tu_token *x = &a->tok[i], *y = &b->tok[i];
        assert_int_equal(x->start, y->start);
        assert_int_equal(x->end, y->end);
        assert_int_equal(x->pos, y->pos);
        assert_int_equal(x->flags, y->flags);
        assert_string_equal(x->norm, y->norm);
        assert_int_equal(x->compound_parts, y->compound_parts);
        assert_int_equal(x->nterms, y->nterms);
        for (size_t k = 0; k < x->nterms; k++) {
            assert_string_equal(x->terms[k], y->terms[k]);
            assert_int_equal(x->kinds[k], y->kinds[k]);
        }
    }
}

/* The per-word memo gives what analysis gives: the same tokens from a fresh analyzer, from one
 * that saw the words before in other roles (dangling, completing, conjunction, capitalized),
 * and from one whose memo was flooded past its size. */
static void test_memo_is_invisible(void **state)
{
    fixture *f = *state;
    static const char text[] =
        "Kultur- och utbildningsförvaltningen samt social- eller arbetsmarknadsnämnden beslutade "
        "om utträde ur Samordningsförbundet; kultur och ESF-projektet, a-kassa, BESLUTET och "
        "beslutet, ett ordsomärlängreäntrettiotvåbytesochmer ord, t.ex. 2023.076 SN § 94.";
    static const char other[] =
        "kultur, Kultur och kultur- eller utbildningsförvaltningen, och samt eller. utbildnings- "
        "och kulturförvaltningen Samordningsförbundet samordningsförbundet beslutet BESLUTET "
        "esf-projektet A-kassa ordsomärlängreäntrettiotvåbytesochmer";
    ps_error err;
    ps_analyzer *fresh = NULL, *warm = NULL;
    assert_int_equal(ps_analyzer_new(f->lex, PS_ANALYZER_SWEDISH, &fresh, &err), PS_OK);
    assert_int_equal(ps_analyzer_new(f->lex, PS_ANALYZER_SWEDISH, &warm, &err), PS_OK);
    tu_tokens *ref = malloc(sizeof *ref), *got = malloc(sizeof *got);
    assert_non_null(ref);
    assert_non_null(got);
    assert_int_equal(tu_run(fresh, text, ref), PS_OK);
    assert_true(ref->n > 20);
    assert_int_equal(tu_run(warm, other, got), PS_OK);
    assert_int_equal(tu_run(warm, text, got), PS_OK);
    assert_same_tokens(ref, got);
    assert_int_equal(tu_run(warm, text, got), PS_OK); /* every word from the memo */
    assert_same_tokens(ref, got);
    /* 100,000 distinct words: every entry replaced at least once */
    char *flood = malloc(100000 * 12);
    assert_non_null(flood);
    size_t n = 0;
    for (unsigned i = 0; i < 100000; i++)
        n += (size_t)sprintf(flood + n, "ord%ux ", i);
    assert_int_equal(ps_analyzer_run(warm, flood, n, 0, tu_collect, got, &err), PS_OK);
    free(flood);
    assert_int_equal(tu_run(warm, text, got), PS_OK);
    assert_same_tokens(ref, got);
    free(ref);
    free(got);
    ps_analyzer_free(fresh);
    ps_analyzer_free(warm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_memo_is_invisible),
        cmocka_unit_test(test_offsets_and_positions),
        cmocka_unit_test(test_query_compound),
        cmocka_unit_test(test_special_units),
        cmocka_unit_test(test_ellipsis_compounds),
        cmocka_unit_test(test_nfc_and_case),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_empty_and_blank),
        cmocka_unit_test(test_huge_token),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_exact_mode),
        cmocka_unit_test(test_lexicon_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
