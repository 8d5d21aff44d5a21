/*
 * protocol/kommun.c — which kommun and which nämnd a document belongs to.
 *
 * Protocol text rarely names its own kommun in a header ("§ 243 2023.076 SN" says nothing of
 * Alingsås), but the body mentions it: "Alingsås kommun", "Köpings kommun betalar ...". The
 * kommun is inferred by scoring mentions of Sweden's 290 kommuner: a "X kommun"/"Xs stad" form
 * counts most, a mention inside an enumeration ("Köpings kommun, Arboga kommun och ...") half,
 * a bare name little. Names that are also common words or surnames (Mark, Berg, Lund, ...) are
 * not counted bare. The nämnd comes from a header line, from dnr series letters (SN →
 * Socialnämnden), or from the nämnd the text names most often.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;     /* "Köping" */
    const char *genitive; /* "Köpings" */
    const char *official; /* "Köpings kommun", "Mölndals stad", "Region Gotland" */
    const char *lan;      /* county */
} ps_kommun;

/* All 290 kommuner, by county. */
static const ps_kommun kommuner[] = {
    {"Botkyrka", "Botkyrka", "Botkyrka kommun", "Stockholms län"},
    {"Danderyd", "Danderyds", "Danderyds kommun", "Stockholms län"},
    {"Ekerö", "Ekerö", "Ekerö kommun", "Stockholms län"},
    {"Haninge", "Haninge", "Haninge kommun", "Stockholms län"},
    {"Huddinge", "Huddinge", "Huddinge kommun", "Stockholms län"},
    {"Järfälla", "Järfälla", "Järfälla kommun", "Stockholms län"},
    {"Lidingö", "Lidingö", "Lidingö stad", "Stockholms län"},
    {"Nacka", "Nacka", "Nacka kommun", "Stockholms län"},
    {"Norrtälje", "Norrtälje", "Norrtälje kommun", "Stockholms län"},
    {"Nykvarn", "Nykvarns", "Nykvarns kommun", "Stockholms län"},
    {"Nynäshamn", "Nynäshamns", "Nynäshamns kommun", "Stockholms län"},
    {"Salem", "Salems", "Salems kommun", "Stockholms län"},
    {"Sigtuna", "Sigtuna", "Sigtuna kommun", "Stockholms län"},
    {"Sollentuna", "Sollentuna", "Sollentuna kommun", "Stockholms län"},
    {"Solna", "Solna", "Solna stad", "Stockholms län"},
    {"Stockholm", "Stockholms", "Stockholms stad", "Stockholms län"},
    {"Sundbyberg", "Sundbybergs", "Sundbybergs stad", "Stockholms län"},
    {"Södertälje", "Södertälje", "Södertälje kommun", "Stockholms län"},
    {"Tyresö", "Tyresö", "Tyresö kommun", "Stockholms län"},
    {"Täby", "Täby", "Täby kommun", "Stockholms län"},
    {"Upplands Väsby", "Upplands Väsby", "Upplands Väsby kommun", "Stockholms län"},
    {"Upplands-Bro", "Upplands-Bro", "Upplands-Bro kommun", "Stockholms län"},
    {"Vallentuna", "Vallentuna", "Vallentuna kommun", "Stockholms län"},
    {"Vaxholm", "Vaxholms", "Vaxholms stad", "Stockholms län"},
    {"Värmdö", "Värmdö", "Värmdö kommun", "Stockholms län"},
    {"Österåker", "Österåkers", "Österåkers kommun", "Stockholms län"},
    {"Enköping", "Enköpings", "Enköpings kommun", "Uppsala län"},
    {"Heby", "Heby", "Heby kommun", "Uppsala län"},
    {"Håbo", "Håbo", "Håbo kommun", "Uppsala län"},
    {"Knivsta", "Knivsta", "Knivsta kommun", "Uppsala län"},
    {"Tierp", "Tierps", "Tierps kommun", "Uppsala län"},
    {"Uppsala", "Uppsala", "Uppsala kommun", "Uppsala län"},
    {"Älvkarleby", "Älvkarleby", "Älvkarleby kommun", "Uppsala län"},
    {"Östhammar", "Östhammars", "Östhammars kommun", "Uppsala län"},
    {"Eskilstuna", "Eskilstuna", "Eskilstuna kommun", "Södermanlands län"},
    {"Flen", "Flens", "Flens kommun", "Södermanlands län"},
    {"Gnesta", "Gnesta", "Gnesta kommun", "Södermanlands län"},
    {"Katrineholm", "Katrineholms", "Katrineholms kommun", "Södermanlands län"},
    {"Nyköping", "Nyköpings", "Nyköpings kommun", "Södermanlands län"},
    {"Oxelösund", "Oxelösunds", "Oxelösunds kommun", "Södermanlands län"},
    {"Strängnäs", "Strängnäs", "Strängnäs kommun", "Södermanlands län"},
    {"Trosa", "Trosa", "Trosa kommun", "Södermanlands län"},
    {"Vingåker", "Vingåkers", "Vingåkers kommun", "Södermanlands län"},
    {"Boxholm", "Boxholms", "Boxholms kommun", "Östergötlands län"},
    {"Finspång", "Finspångs", "Finspångs kommun", "Östergötlands län"},
    {"Kinda", "Kinda", "Kinda kommun", "Östergötlands län"},
    {"Linköping", "Linköpings", "Linköpings kommun", "Östergötlands län"},
    {"Mjölby", "Mjölby", "Mjölby kommun", "Östergötlands län"},
    {"Motala", "Motala", "Motala kommun", "Östergötlands län"},
    {"Norrköping", "Norrköpings", "Norrköpings kommun", "Östergötlands län"},
    {"Söderköping", "Söderköpings", "Söderköpings kommun", "Östergötlands län"},
    {"Vadstena", "Vadstena", "Vadstena kommun", "Östergötlands län"},
    {"Valdemarsvik", "Valdemarsviks", "Valdemarsviks kommun", "Östergötlands län"},
    {"Ydre", "Ydre", "Ydre kommun", "Östergötlands län"},
    {"Åtvidaberg", "Åtvidabergs", "Åtvidabergs kommun", "Östergötlands län"},
    {"Ödeshög", "Ödeshögs", "Ödeshögs kommun", "Östergötlands län"},
    {"Aneby", "Aneby", "Aneby kommun", "Jönköpings län"},
    {"Eksjö", "Eksjö", "Eksjö kommun", "Jönköpings län"},
    {"Gislaved", "Gislaveds", "Gislaveds kommun", "Jönköpings län"},
    {"Gnosjö", "Gnosjö", "Gnosjö kommun", "Jönköpings län"},
    {"Habo", "Habo", "Habo kommun", "Jönköpings län"},
    {"Jönköping", "Jönköpings", "Jönköpings kommun", "Jönköpings län"},
    {"Mullsjö", "Mullsjö", "Mullsjö kommun", "Jönköpings län"},
    {"Nässjö", "Nässjö", "Nässjö kommun", "Jönköpings län"},
    {"Sävsjö", "Sävsjö", "Sävsjö kommun", "Jönköpings län"},
    {"Tranås", "Tranås", "Tranås kommun", "Jönköpings län"},
    {"Vaggeryd", "Vaggeryds", "Vaggeryds kommun", "Jönköpings län"},
    {"Vetlanda", "Vetlanda", "Vetlanda kommun", "Jönköpings län"},
    {"Värnamo", "Värnamo", "Värnamo kommun", "Jönköpings län"},
    {"Alvesta", "Alvesta", "Alvesta kommun", "Kronobergs län"},
    {"Lessebo", "Lessebo", "Lessebo kommun", "Kronobergs län"},
    {"Ljungby", "Ljungby", "Ljungby kommun", "Kronobergs län"},
    {"Markaryd", "Markaryds", "Markaryds kommun", "Kronobergs län"},
    {"Tingsryd", "Tingsryds", "Tingsryds kommun", "Kronobergs län"},
    {"Uppvidinge", "Uppvidinge", "Uppvidinge kommun", "Kronobergs län"},
    {"Växjö", "Växjö", "Växjö kommun", "Kronobergs län"},
    {"Älmhult", "Älmhults", "Älmhults kommun", "Kronobergs län"},
    {"Borgholm", "Borgholms", "Borgholms kommun", "Kalmar län"},
    {"Emmaboda", "Emmaboda", "Emmaboda kommun", "Kalmar län"},
    {"Hultsfred", "Hultsfreds", "Hultsfreds kommun", "Kalmar län"},
    {"Högsby", "Högsby", "Högsby kommun", "Kalmar län"},
    {"Kalmar", "Kalmar", "Kalmar kommun", "Kalmar län"},
    {"Mönsterås", "Mönsterås", "Mönsterås kommun", "Kalmar län"},
    {"Mörbylånga", "Mörbylånga", "Mörbylånga kommun", "Kalmar län"},
    {"Nybro", "Nybro", "Nybro kommun", "Kalmar län"},
    {"Oskarshamn", "Oskarshamns", "Oskarshamns kommun", "Kalmar län"},
    {"Torsås", "Torsås", "Torsås kommun", "Kalmar län"},
    {"Vimmerby", "Vimmerby", "Vimmerby kommun", "Kalmar län"},
    {"Västervik", "Västerviks", "Västerviks kommun", "Kalmar län"},
    {"Gotland", "Gotlands", "Region Gotland", "Gotlands län"},
    {"Karlshamn", "Karlshamns", "Karlshamns kommun", "Blekinge län"},
    {"Karlskrona", "Karlskrona", "Karlskrona kommun", "Blekinge län"},
    {"Olofström", "Olofströms", "Olofströms kommun", "Blekinge län"},
    {"Ronneby", "Ronneby", "Ronneby kommun", "Blekinge län"},
    {"Sölvesborg", "Sölvesborgs", "Sölvesborgs kommun", "Blekinge län"},
    {"Bjuv", "Bjuvs", "Bjuvs kommun", "Skåne län"},
    {"Bromölla", "Bromölla", "Bromölla kommun", "Skåne län"},
    {"Burlöv", "Burlövs", "Burlövs kommun", "Skåne län"},
    {"Båstad", "Båstads", "Båstads kommun", "Skåne län"},
    {"Eslöv", "Eslövs", "Eslövs kommun", "Skåne län"},
    {"Helsingborg", "Helsingborgs", "Helsingborgs stad", "Skåne län"},
    {"Hässleholm", "Hässleholms", "Hässleholms kommun", "Skåne län"},
    {"Höganäs", "Höganäs", "Höganäs kommun", "Skåne län"},
    {"Hörby", "Hörby", "Hörby kommun", "Skåne län"},
    {"Höör", "Höörs", "Höörs kommun", "Skåne län"},
    {"Klippan", "Klippans", "Klippans kommun", "Skåne län"},
    {"Kristianstad", "Kristianstads", "Kristianstads kommun", "Skåne län"},
    {"Kävlinge", "Kävlinge", "Kävlinge kommun", "Skåne län"},
    {"Landskrona", "Landskrona", "Landskrona stad", "Skåne län"},
    {"Lomma", "Lomma", "Lomma kommun", "Skåne län"},
    {"Lund", "Lunds", "Lunds kommun", "Skåne län"},
    {"Malmö", "Malmö", "Malmö stad", "Skåne län"},
    {"Osby", "Osby", "Osby kommun", "Skåne län"},
    {"Perstorp", "Perstorps", "Perstorps kommun", "Skåne län"},
    {"Simrishamn", "Simrishamns", "Simrishamns kommun", "Skåne län"},
    {"Sjöbo", "Sjöbo", "Sjöbo kommun", "Skåne län"},
    {"Skurup", "Skurups", "Skurups kommun", "Skåne län"},
    {"Staffanstorp", "Staffanstorps", "Staffanstorps kommun", "Skåne län"},
    {"Svalöv", "Svalövs", "Svalövs kommun", "Skåne län"},
    {"Svedala", "Svedala", "Svedala kommun", "Skåne län"},
    {"Tomelilla", "Tomelilla", "Tomelilla kommun", "Skåne län"},
    {"Trelleborg", "Trelleborgs", "Trelleborgs kommun", "Skåne län"},
    {"Vellinge", "Vellinge", "Vellinge kommun", "Skåne län"},
    {"Ystad", "Ystads", "Ystads kommun", "Skåne län"},
    {"Åstorp", "Åstorps", "Åstorps kommun", "Skåne län"},
    {"Ängelholm", "Ängelholms", "Ängelholms kommun", "Skåne län"},
    {"Örkelljunga", "Örkelljunga", "Örkelljunga kommun", "Skåne län"},
    {"Östra Göinge", "Östra Göinge", "Östra Göinge kommun", "Skåne län"},
    {"Falkenberg", "Falkenbergs", "Falkenbergs kommun", "Hallands län"},
    {"Halmstad", "Halmstads", "Halmstads kommun", "Hallands län"},
    {"Hylte", "Hylte", "Hylte kommun", "Hallands län"},
    {"Kungsbacka", "Kungsbacka", "Kungsbacka kommun", "Hallands län"},
    {"Laholm", "Laholms", "Laholms kommun", "Hallands län"},
    {"Varberg", "Varbergs", "Varbergs kommun", "Hallands län"},
    {"Ale", "Ale", "Ale kommun", "Västra Götalands län"},
    {"Alingsås", "Alingsås", "Alingsås kommun", "Västra Götalands län"},
    {"Bengtsfors", "Bengtsfors", "Bengtsfors kommun", "Västra Götalands län"},
    {"Bollebygd", "Bollebygds", "Bollebygds kommun", "Västra Götalands län"},
    {"Borås", "Borås", "Borås stad", "Västra Götalands län"},
    {"Dals-Ed", "Dals-Eds", "Dals-Eds kommun", "Västra Götalands län"},
    {"Essunga", "Essunga", "Essunga kommun", "Västra Götalands län"},
    {"Falköping", "Falköpings", "Falköpings kommun", "Västra Götalands län"},
    {"Färgelanda", "Färgelanda", "Färgelanda kommun", "Västra Götalands län"},
    {"Grästorp", "Grästorps", "Grästorps kommun", "Västra Götalands län"},
    {"Gullspång", "Gullspångs", "Gullspångs kommun", "Västra Götalands län"},
    {"Göteborg", "Göteborgs", "Göteborgs stad", "Västra Götalands län"},
    {"Götene", "Götene", "Götene kommun", "Västra Götalands län"},
    {"Herrljunga", "Herrljunga", "Herrljunga kommun", "Västra Götalands län"},
    {"Hjo", "Hjo", "Hjo kommun", "Västra Götalands län"},
    {"Härryda", "Härryda", "Härryda kommun", "Västra Götalands län"},
    {"Karlsborg", "Karlsborgs", "Karlsborgs kommun", "Västra Götalands län"},
    {"Kungälv", "Kungälvs", "Kungälvs kommun", "Västra Götalands län"},
    {"Lerum", "Lerums", "Lerums kommun", "Västra Götalands län"},
    {"Lidköping", "Lidköpings", "Lidköpings kommun", "Västra Götalands län"},
    {"Lilla Edet", "Lilla Edets", "Lilla Edets kommun", "Västra Götalands län"},
    {"Lysekil", "Lysekils", "Lysekils kommun", "Västra Götalands län"},
    {"Mariestad", "Mariestads", "Mariestads kommun", "Västra Götalands län"},
    {"Mark", "Marks", "Marks kommun", "Västra Götalands län"},
    {"Mellerud", "Melleruds", "Melleruds kommun", "Västra Götalands län"},
    {"Munkedal", "Munkedals", "Munkedals kommun", "Västra Götalands län"},
    {"Mölndal", "Mölndals", "Mölndals stad", "Västra Götalands län"},
    {"Orust", "Orust", "Orust kommun", "Västra Götalands län"},
    {"Partille", "Partille", "Partille kommun", "Västra Götalands län"},
    {"Skara", "Skara", "Skara kommun", "Västra Götalands län"},
    {"Skövde", "Skövde", "Skövde kommun", "Västra Götalands län"},
    {"Sotenäs", "Sotenäs", "Sotenäs kommun", "Västra Götalands län"},
    {"Stenungsund", "Stenungsunds", "Stenungsunds kommun", "Västra Götalands län"},
    {"Strömstad", "Strömstads", "Strömstads kommun", "Västra Götalands län"},
    {"Svenljunga", "Svenljunga", "Svenljunga kommun", "Västra Götalands län"},
    {"Tanum", "Tanums", "Tanums kommun", "Västra Götalands län"},
    {"Tibro", "Tibro", "Tibro kommun", "Västra Götalands län"},
    {"Tidaholm", "Tidaholms", "Tidaholms kommun", "Västra Götalands län"},
    {"Tjörn", "Tjörns", "Tjörns kommun", "Västra Götalands län"},
    {"Tranemo", "Tranemo", "Tranemo kommun", "Västra Götalands län"},
    {"Trollhättan", "Trollhättans", "Trollhättans stad", "Västra Götalands län"},
    {"Töreboda", "Töreboda", "Töreboda kommun", "Västra Götalands län"},
    {"Uddevalla", "Uddevalla", "Uddevalla kommun", "Västra Götalands län"},
    {"Ulricehamn", "Ulricehamns", "Ulricehamns kommun", "Västra Götalands län"},
    {"Vara", "Vara", "Vara kommun", "Västra Götalands län"},
    {"Vårgårda", "Vårgårda", "Vårgårda kommun", "Västra Götalands län"},
    {"Vänersborg", "Vänersborgs", "Vänersborgs kommun", "Västra Götalands län"},
    {"Åmål", "Åmåls", "Åmåls kommun", "Västra Götalands län"},
    {"Öckerö", "Öckerö", "Öckerö kommun", "Västra Götalands län"},
    {"Arvika", "Arvika", "Arvika kommun", "Värmlands län"},
    {"Eda", "Eda", "Eda kommun", "Värmlands län"},
    {"Filipstad", "Filipstads", "Filipstads kommun", "Värmlands län"},
    {"Forshaga", "Forshaga", "Forshaga kommun", "Värmlands län"},
    {"Grums", "Grums", "Grums kommun", "Värmlands län"},
    {"Hagfors", "Hagfors", "Hagfors kommun", "Värmlands län"},
    {"Hammarö", "Hammarö", "Hammarö kommun", "Värmlands län"},
    {"Karlstad", "Karlstads", "Karlstads kommun", "Värmlands län"},
    {"Kil", "Kils", "Kils kommun", "Värmlands län"},
    {"Kristinehamn", "Kristinehamns", "Kristinehamns kommun", "Värmlands län"},
    {"Munkfors", "Munkfors", "Munkfors kommun", "Värmlands län"},
    {"Storfors", "Storfors", "Storfors kommun", "Värmlands län"},
    {"Sunne", "Sunne", "Sunne kommun", "Värmlands län"},
    {"Säffle", "Säffle", "Säffle kommun", "Värmlands län"},
    {"Torsby", "Torsby", "Torsby kommun", "Värmlands län"},
    {"Årjäng", "Årjängs", "Årjängs kommun", "Värmlands län"},
    {"Askersund", "Askersunds", "Askersunds kommun", "Örebro län"},
    {"Degerfors", "Degerfors", "Degerfors kommun", "Örebro län"},
    {"Hallsberg", "Hallsbergs", "Hallsbergs kommun", "Örebro län"},
    {"Hällefors", "Hällefors", "Hällefors kommun", "Örebro län"},
    {"Karlskoga", "Karlskoga", "Karlskoga kommun", "Örebro län"},
    {"Kumla", "Kumla", "Kumla kommun", "Örebro län"},
    {"Laxå", "Laxå", "Laxå kommun", "Örebro län"},
    {"Lekeberg", "Lekebergs", "Lekebergs kommun", "Örebro län"},
    {"Lindesberg", "Lindesbergs", "Lindesbergs kommun", "Örebro län"},
    {"Ljusnarsberg", "Ljusnarsbergs", "Ljusnarsbergs kommun", "Örebro län"},
    {"Nora", "Nora", "Nora kommun", "Örebro län"},
    {"Örebro", "Örebro", "Örebro kommun", "Örebro län"},
    {"Arboga", "Arboga", "Arboga kommun", "Västmanlands län"},
    {"Fagersta", "Fagersta", "Fagersta kommun", "Västmanlands län"},
    {"Hallstahammar", "Hallstahammars", "Hallstahammars kommun", "Västmanlands län"},
    {"Kungsör", "Kungsörs", "Kungsörs kommun", "Västmanlands län"},
    {"Köping", "Köpings", "Köpings kommun", "Västmanlands län"},
    {"Norberg", "Norbergs", "Norbergs kommun", "Västmanlands län"},
    {"Sala", "Sala", "Sala kommun", "Västmanlands län"},
    {"Skinnskatteberg", "Skinnskattebergs", "Skinnskattebergs kommun", "Västmanlands län"},
    {"Surahammar", "Surahammars", "Surahammars kommun", "Västmanlands län"},
    {"Västerås", "Västerås", "Västerås stad", "Västmanlands län"},
    {"Avesta", "Avesta", "Avesta kommun", "Dalarnas län"},
    {"Borlänge", "Borlänge", "Borlänge kommun", "Dalarnas län"},
    {"Falun", "Falu", "Falu kommun", "Dalarnas län"},
    {"Gagnef", "Gagnefs", "Gagnefs kommun", "Dalarnas län"},
    {"Hedemora", "Hedemora", "Hedemora kommun", "Dalarnas län"},
    {"Leksand", "Leksands", "Leksands kommun", "Dalarnas län"},
    {"Ludvika", "Ludvika", "Ludvika kommun", "Dalarnas län"},
    {"Malung-Sälen", "Malung-Sälens", "Malung-Sälens kommun", "Dalarnas län"},
    {"Mora", "Mora", "Mora kommun", "Dalarnas län"},
    {"Orsa", "Orsa", "Orsa kommun", "Dalarnas län"},
    {"Rättvik", "Rättviks", "Rättviks kommun", "Dalarnas län"},
    {"Smedjebacken", "Smedjebackens", "Smedjebackens kommun", "Dalarnas län"},
    {"Säter", "Säters", "Säters kommun", "Dalarnas län"},
    {"Vansbro", "Vansbro", "Vansbro kommun", "Dalarnas län"},
    {"Älvdalen", "Älvdalens", "Älvdalens kommun", "Dalarnas län"},
    {"Bollnäs", "Bollnäs", "Bollnäs kommun", "Gävleborgs län"},
    {"Gävle", "Gävle", "Gävle kommun", "Gävleborgs län"},
    {"Hofors", "Hofors", "Hofors kommun", "Gävleborgs län"},
    {"Hudiksvall", "Hudiksvalls", "Hudiksvalls kommun", "Gävleborgs län"},
    {"Ljusdal", "Ljusdals", "Ljusdals kommun", "Gävleborgs län"},
    {"Nordanstig", "Nordanstigs", "Nordanstigs kommun", "Gävleborgs län"},
    {"Ockelbo", "Ockelbo", "Ockelbo kommun", "Gävleborgs län"},
    {"Ovanåker", "Ovanåkers", "Ovanåkers kommun", "Gävleborgs län"},
    {"Sandviken", "Sandvikens", "Sandvikens kommun", "Gävleborgs län"},
    {"Söderhamn", "Söderhamns", "Söderhamns kommun", "Gävleborgs län"},
    {"Härnösand", "Härnösands", "Härnösands kommun", "Västernorrlands län"},
    {"Kramfors", "Kramfors", "Kramfors kommun", "Västernorrlands län"},
    {"Sollefteå", "Sollefteå", "Sollefteå kommun", "Västernorrlands län"},
    {"Sundsvall", "Sundsvalls", "Sundsvalls kommun", "Västernorrlands län"},
    {"Timrå", "Timrå", "Timrå kommun", "Västernorrlands län"},
    {"Ånge", "Ånge", "Ånge kommun", "Västernorrlands län"},
    {"Örnsköldsvik", "Örnsköldsviks", "Örnsköldsviks kommun", "Västernorrlands län"},
    {"Berg", "Bergs", "Bergs kommun", "Jämtlands län"},
    {"Bräcke", "Bräcke", "Bräcke kommun", "Jämtlands län"},
    {"Härjedalen", "Härjedalens", "Härjedalens kommun", "Jämtlands län"},
    {"Krokom", "Krokoms", "Krokoms kommun", "Jämtlands län"},
    {"Ragunda", "Ragunda", "Ragunda kommun", "Jämtlands län"},
    {"Strömsund", "Strömsunds", "Strömsunds kommun", "Jämtlands län"},
    {"Åre", "Åre", "Åre kommun", "Jämtlands län"},
    {"Östersund", "Östersunds", "Östersunds kommun", "Jämtlands län"},
    {"Bjurholm", "Bjurholms", "Bjurholms kommun", "Västerbottens län"},
    {"Dorotea", "Dorotea", "Dorotea kommun", "Västerbottens län"},
    {"Lycksele", "Lycksele", "Lycksele kommun", "Västerbottens län"},
    {"Malå", "Malå", "Malå kommun", "Västerbottens län"},
    {"Nordmaling", "Nordmalings", "Nordmalings kommun", "Västerbottens län"},
    {"Norsjö", "Norsjö", "Norsjö kommun", "Västerbottens län"},
    {"Robertsfors", "Robertsfors", "Robertsfors kommun", "Västerbottens län"},
    {"Skellefteå", "Skellefteå", "Skellefteå kommun", "Västerbottens län"},
    {"Sorsele", "Sorsele", "Sorsele kommun", "Västerbottens län"},
    {"Storuman", "Storumans", "Storumans kommun", "Västerbottens län"},
    {"Umeå", "Umeå", "Umeå kommun", "Västerbottens län"},
    {"Vilhelmina", "Vilhelmina", "Vilhelmina kommun", "Västerbottens län"},
    {"Vindeln", "Vindelns", "Vindelns kommun", "Västerbottens län"},
    {"Vännäs", "Vännäs", "Vännäs kommun", "Västerbottens län"},
    {"Åsele", "Åsele", "Åsele kommun", "Västerbottens län"},
    {"Arjeplog", "Arjeplogs", "Arjeplogs kommun", "Norrbottens län"},
    {"Arvidsjaur", "Arvidsjaurs", "Arvidsjaurs kommun", "Norrbottens län"},
    {"Boden", "Bodens", "Bodens kommun", "Norrbottens län"},
    {"Gällivare", "Gällivare", "Gällivare kommun", "Norrbottens län"},
    {"Haparanda", "Haparanda", "Haparanda stad", "Norrbottens län"},
    {"Jokkmokk", "Jokkmokks", "Jokkmokks kommun", "Norrbottens län"},
    {"Kalix", "Kalix", "Kalix kommun", "Norrbottens län"},
    {"Kiruna", "Kiruna", "Kiruna kommun", "Norrbottens län"},
    {"Luleå", "Luleå", "Luleå kommun", "Norrbottens län"},
    {"Pajala", "Pajala", "Pajala kommun", "Norrbottens län"},
    {"Piteå", "Piteå", "Piteå kommun", "Norrbottens län"},
    {"Älvsbyn", "Älvsbyns", "Älvsbyns kommun", "Norrbottens län"},
    {"Överkalix", "Överkalix", "Överkalix kommun", "Norrbottens län"},
    {"Övertorneå", "Övertorneå", "Övertorneå kommun", "Norrbottens län"},
};

#define NKOMMUNER (sizeof kommuner / sizeof kommuner[0])

/* Names too common as words or surnames to count when they stand alone. */
static const char *const ambiguous_bare[] = {
    "Ale",  "Berg", "Boden", "Bjuv", "Eda",  "Flen", "Heby",  "Hjo",   "Kil",  "Lund",
    "Mark", "Mora", "Nora",  "Orsa", "Osby", "Sala", "Salem", "Sunne", "Vara", "Åre"};

static const ps_kommun *find_exact(const char *s, size_t len)
{
    for (size_t k = 0; k < NKOMMUNER; k++) {
        const ps_kommun *e = &kommuner[k];
        if ((strlen(e->name) == len && memcmp(e->name, s, len) == 0) ||
            (strlen(e->genitive) == len && memcmp(e->genitive, s, len) == 0))
            return e;
    }
    for (size_t k = 0; k < NKOMMUNER; k++)
        if (ps_text_ieq(s, len, kommuner[k].name) || ps_text_ieq(s, len, kommuner[k].genitive))
            return &kommuner[k];
    return NULL;
}

const char *ps_kommun_lookup(const char *s, size_t len)
{
    while (len && (s[len - 1] == ' ' || s[len - 1] == '.' || s[len - 1] == ','))
        len--;
    if (ps_text_iprefix(s, len, "region ")) {
        const ps_kommun *e = find_exact(s + 7, len - 7);
        return (e && strcmp(e->name, "Gotland") == 0) ? e->name : NULL;
    }
    static const char *const suffixes[] = {" kommuns", " kommun", " stads", " stad"};
    for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++) {
        size_t n = strlen(suffixes[k]);
        if (len > n && ps_text_ieq(s + len - n, n, suffixes[k])) {
            len -= n;
            break;
        }
    }
    const ps_kommun *e = find_exact(s, len);
    return e ? e->name : NULL;
}

const char *ps_protocol_kommun(const char *text, size_t len)
{
    if (!text)
        return NULL;
    while (len && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    /* "Falu kommun": the official form itself. */
    for (size_t k = 0; k < NKOMMUNER; k++)
        if (ps_text_ieq(text, len, kommuner[k].official))
            return kommuner[k].name;
    return ps_kommun_lookup(text, len);
}

bool ps_protocol_kommun_at(size_t i, const char **name, const char **official)
{
    if (i >= NKOMMUNER)
        return false;
    if (name)
        *name = kommuner[i].name;
    if (official)
        *official = kommuner[i].official;
    return true;
}

/* ---- inference ------------------------------------------------------------------------------ */

typedef struct {
    const char *s; /* a name or genitive */
    size_t k;      /* index into kommuner */
} name_entry;

/* Every name and genitive of the table above, sorted by strcmp (UTF-8 byte order) for binary
 * search over long texts. Generated from the table; test_protocol checks it. */
static const name_entry sorted_names[] = {
    {"Ale", 134},
    {"Alingsås", 135},
    {"Alvesta", 69},
    {"Aneby", 56},
    {"Arboga", 211},
    {"Arjeplog", 276},
    {"Arjeplogs", 276},
    {"Arvidsjaur", 277},
    {"Arvidsjaurs", 277},
    {"Arvika", 183},
    {"Askersund", 199},
    {"Askersunds", 199},
    {"Avesta", 221},
    {"Bengtsfors", 136},
    {"Berg", 253},
    {"Bergs", 253},
    {"Bjurholm", 261},
    {"Bjurholms", 261},
    {"Bjuv", 95},
    {"Bjuvs", 95},
    {"Boden", 278},
    {"Bodens", 278},
    {"Bollebygd", 137},
    {"Bollebygds", 137},
    {"Bollnäs", 236},
    {"Borgholm", 77},
    {"Borgholms", 77},
    {"Borlänge", 222},
    {"Borås", 138},
    {"Botkyrka", 0},
    {"Boxholm", 43},
    {"Boxholms", 43},
    {"Bromölla", 96},
    {"Bräcke", 254},
    {"Burlöv", 97},
    {"Burlövs", 97},
    {"Båstad", 98},
    {"Båstads", 98},
    {"Dals-Ed", 139},
    {"Dals-Eds", 139},
    {"Danderyd", 1},
    {"Danderyds", 1},
    {"Degerfors", 200},
    {"Dorotea", 262},
    {"Eda", 184},
    {"Ekerö", 2},
    {"Eksjö", 57},
    {"Emmaboda", 78},
    {"Enköping", 26},
    {"Enköpings", 26},
    {"Eskilstuna", 34},
    {"Eslöv", 99},
    {"Eslövs", 99},
    {"Essunga", 140},
    {"Fagersta", 212},
    {"Falkenberg", 128},
    {"Falkenbergs", 128},
    {"Falköping", 141},
    {"Falköpings", 141},
    {"Falu", 223},
    {"Falun", 223},
    {"Filipstad", 185},
    {"Filipstads", 185},
    {"Finspång", 44},
    {"Finspångs", 44},
    {"Flen", 35},
    {"Flens", 35},
    {"Forshaga", 186},
    {"Färgelanda", 142},
    {"Gagnef", 224},
    {"Gagnefs", 224},
    {"Gislaved", 58},
    {"Gislaveds", 58},
    {"Gnesta", 36},
    {"Gnosjö", 59},
    {"Gotland", 89},
    {"Gotlands", 89},
    {"Grums", 187},
    {"Grästorp", 143},
    {"Grästorps", 143},
    {"Gullspång", 144},
    {"Gullspångs", 144},
    {"Gällivare", 279},
    {"Gävle", 237},
    {"Göteborg", 145},
    {"Göteborgs", 145},
    {"Götene", 146},
    {"Habo", 60},
    {"Hagfors", 188},
    {"Hallsberg", 201},
    {"Hallsbergs", 201},
    {"Hallstahammar", 213},
    {"Hallstahammars", 213},
    {"Halmstad", 129},
    {"Halmstads", 129},
    {"Hammarö", 189},
    {"Haninge", 3},
    {"Haparanda", 280},
    {"Heby", 27},
    {"Hedemora", 225},
    {"Helsingborg", 100},
    {"Helsingborgs", 100},
    {"Herrljunga", 147},
    {"Hjo", 148},
    {"Hofors", 238},
    {"Huddinge", 4},
    {"Hudiksvall", 239},
    {"Hudiksvalls", 239},
    {"Hultsfred", 79},
    {"Hultsfreds", 79},
    {"Hylte", 130},
    {"Hällefors", 202},
    {"Härjedalen", 255},
    {"Härjedalens", 255},
    {"Härnösand", 246},
    {"Härnösands", 246},
    {"Härryda", 149},
    {"Hässleholm", 101},
    {"Hässleholms", 101},
    {"Håbo", 28},
    {"Höganäs", 102},
    {"Högsby", 80},
    {"Hörby", 103},
    {"Höör", 104},
    {"Höörs", 104},
    {"Jokkmokk", 281},
    {"Jokkmokks", 281},
    {"Järfälla", 5},
    {"Jönköping", 61},
    {"Jönköpings", 61},
    {"Kalix", 282},
    {"Kalmar", 81},
    {"Karlsborg", 150},
    {"Karlsborgs", 150},
    {"Karlshamn", 90},
    {"Karlshamns", 90},
    {"Karlskoga", 203},
    {"Karlskrona", 91},
    {"Karlstad", 190},
    {"Karlstads", 190},
    {"Katrineholm", 37},
    {"Katrineholms", 37},
    {"Kil", 191},
    {"Kils", 191},
    {"Kinda", 45},
    {"Kiruna", 283},
    {"Klippan", 105},
    {"Klippans", 105},
    {"Knivsta", 29},
    {"Kramfors", 247},
    {"Kristianstad", 106},
    {"Kristianstads", 106},
    {"Kristinehamn", 192},
    {"Kristinehamns", 192},
    {"Krokom", 256},
    {"Krokoms", 256},
    {"Kumla", 204},
    {"Kungsbacka", 131},
    {"Kungsör", 214},
    {"Kungsörs", 214},
    {"Kungälv", 151},
    {"Kungälvs", 151},
    {"Kävlinge", 107},
    {"Köping", 215},
    {"Köpings", 215},
    {"Laholm", 132},
    {"Laholms", 132},
    {"Landskrona", 108},
    {"Laxå", 205},
    {"Lekeberg", 206},
    {"Lekebergs", 206},
    {"Leksand", 226},
    {"Leksands", 226},
    {"Lerum", 152},
    {"Lerums", 152},
    {"Lessebo", 70},
    {"Lidingö", 6},
    {"Lidköping", 153},
    {"Lidköpings", 153},
    {"Lilla Edet", 154},
    {"Lilla Edets", 154},
    {"Lindesberg", 207},
    {"Lindesbergs", 207},
    {"Linköping", 46},
    {"Linköpings", 46},
    {"Ljungby", 71},
    {"Ljusdal", 240},
    {"Ljusdals", 240},
    {"Ljusnarsberg", 208},
    {"Ljusnarsbergs", 208},
    {"Lomma", 109},
    {"Ludvika", 227},
    {"Luleå", 284},
    {"Lund", 110},
    {"Lunds", 110},
    {"Lycksele", 263},
    {"Lysekil", 155},
    {"Lysekils", 155},
    {"Malmö", 111},
    {"Malung-Sälen", 228},
    {"Malung-Sälens", 228},
    {"Malå", 264},
    {"Mariestad", 156},
    {"Mariestads", 156},
    {"Mark", 157},
    {"Markaryd", 72},
    {"Markaryds", 72},
    {"Marks", 157},
    {"Mellerud", 158},
    {"Melleruds", 158},
    {"Mjölby", 47},
    {"Mora", 229},
    {"Motala", 48},
    {"Mullsjö", 62},
    {"Munkedal", 159},
    {"Munkedals", 159},
    {"Munkfors", 193},
    {"Mölndal", 160},
    {"Mölndals", 160},
    {"Mönsterås", 82},
    {"Mörbylånga", 83},
    {"Nacka", 7},
    {"Nora", 209},
    {"Norberg", 216},
    {"Norbergs", 216},
    {"Nordanstig", 241},
    {"Nordanstigs", 241},
    {"Nordmaling", 265},
    {"Nordmalings", 265},
    {"Norrköping", 49},
    {"Norrköpings", 49},
    {"Norrtälje", 8},
    {"Norsjö", 266},
    {"Nybro", 84},
    {"Nykvarn", 9},
    {"Nykvarns", 9},
    {"Nyköping", 38},
    {"Nyköpings", 38},
    {"Nynäshamn", 10},
    {"Nynäshamns", 10},
    {"Nässjö", 63},
    {"Ockelbo", 242},
    {"Olofström", 92},
    {"Olofströms", 92},
    {"Orsa", 230},
    {"Orust", 161},
    {"Osby", 112},
    {"Oskarshamn", 85},
    {"Oskarshamns", 85},
    {"Ovanåker", 243},
    {"Ovanåkers", 243},
    {"Oxelösund", 39},
    {"Oxelösunds", 39},
    {"Pajala", 285},
    {"Partille", 162},
    {"Perstorp", 113},
    {"Perstorps", 113},
    {"Piteå", 286},
    {"Ragunda", 257},
    {"Robertsfors", 267},
    {"Ronneby", 93},
    {"Rättvik", 231},
    {"Rättviks", 231},
    {"Sala", 217},
    {"Salem", 11},
    {"Salems", 11},
    {"Sandviken", 244},
    {"Sandvikens", 244},
    {"Sigtuna", 12},
    {"Simrishamn", 114},
    {"Simrishamns", 114},
    {"Sjöbo", 115},
    {"Skara", 163},
    {"Skellefteå", 268},
    {"Skinnskatteberg", 218},
    {"Skinnskattebergs", 218},
    {"Skurup", 116},
    {"Skurups", 116},
    {"Skövde", 164},
    {"Smedjebacken", 232},
    {"Smedjebackens", 232},
    {"Sollefteå", 248},
    {"Sollentuna", 13},
    {"Solna", 14},
    {"Sorsele", 269},
    {"Sotenäs", 165},
    {"Staffanstorp", 117},
    {"Staffanstorps", 117},
    {"Stenungsund", 166},
    {"Stenungsunds", 166},
    {"Stockholm", 15},
    {"Stockholms", 15},
    {"Storfors", 194},
    {"Storuman", 270},
    {"Storumans", 270},
    {"Strängnäs", 40},
    {"Strömstad", 167},
    {"Strömstads", 167},
    {"Strömsund", 258},
    {"Strömsunds", 258},
    {"Sundbyberg", 16},
    {"Sundbybergs", 16},
    {"Sundsvall", 249},
    {"Sundsvalls", 249},
    {"Sunne", 195},
    {"Surahammar", 219},
    {"Surahammars", 219},
    {"Svalöv", 118},
    {"Svalövs", 118},
    {"Svedala", 119},
    {"Svenljunga", 168},
    {"Säffle", 196},
    {"Säter", 233},
    {"Säters", 233},
    {"Sävsjö", 64},
    {"Söderhamn", 245},
    {"Söderhamns", 245},
    {"Söderköping", 50},
    {"Söderköpings", 50},
    {"Södertälje", 17},
    {"Sölvesborg", 94},
    {"Sölvesborgs", 94},
    {"Tanum", 169},
    {"Tanums", 169},
    {"Tibro", 170},
    {"Tidaholm", 171},
    {"Tidaholms", 171},
    {"Tierp", 30},
    {"Tierps", 30},
    {"Timrå", 250},
    {"Tingsryd", 73},
    {"Tingsryds", 73},
    {"Tjörn", 172},
    {"Tjörns", 172},
    {"Tomelilla", 120},
    {"Torsby", 197},
    {"Torsås", 86},
    {"Tranemo", 173},
    {"Tranås", 65},
    {"Trelleborg", 121},
    {"Trelleborgs", 121},
    {"Trollhättan", 174},
    {"Trollhättans", 174},
    {"Trosa", 41},
    {"Tyresö", 18},
    {"Täby", 19},
    {"Töreboda", 175},
    {"Uddevalla", 176},
    {"Ulricehamn", 177},
    {"Ulricehamns", 177},
    {"Umeå", 271},
    {"Upplands Väsby", 20},
    {"Upplands-Bro", 21},
    {"Uppsala", 31},
    {"Uppvidinge", 74},
    {"Vadstena", 51},
    {"Vaggeryd", 66},
    {"Vaggeryds", 66},
    {"Valdemarsvik", 52},
    {"Valdemarsviks", 52},
    {"Vallentuna", 22},
    {"Vansbro", 234},
    {"Vara", 178},
    {"Varberg", 133},
    {"Varbergs", 133},
    {"Vaxholm", 23},
    {"Vaxholms", 23},
    {"Vellinge", 122},
    {"Vetlanda", 67},
    {"Vilhelmina", 272},
    {"Vimmerby", 87},
    {"Vindeln", 273},
    {"Vindelns", 273},
    {"Vingåker", 42},
    {"Vingåkers", 42},
    {"Vänersborg", 180},
    {"Vänersborgs", 180},
    {"Vännäs", 274},
    {"Värmdö", 24},
    {"Värnamo", 68},
    {"Västervik", 88},
    {"Västerviks", 88},
    {"Västerås", 220},
    {"Växjö", 75},
    {"Vårgårda", 179},
    {"Ydre", 53},
    {"Ystad", 123},
    {"Ystads", 123},
    {"Älmhult", 76},
    {"Älmhults", 76},
    {"Älvdalen", 235},
    {"Älvdalens", 235},
    {"Älvkarleby", 32},
    {"Älvsbyn", 287},
    {"Älvsbyns", 287},
    {"Ängelholm", 125},
    {"Ängelholms", 125},
    {"Åmål", 181},
    {"Åmåls", 181},
    {"Ånge", 251},
    {"Åre", 259},
    {"Årjäng", 198},
    {"Årjängs", 198},
    {"Åsele", 275},
    {"Åstorp", 124},
    {"Åstorps", 124},
    {"Åtvidaberg", 54},
    {"Åtvidabergs", 54},
    {"Öckerö", 182},
    {"Ödeshög", 55},
    {"Ödeshögs", 55},
    {"Örebro", 210},
    {"Örkelljunga", 126},
    {"Örnsköldsvik", 252},
    {"Örnsköldsviks", 252},
    {"Östersund", 260},
    {"Östersunds", 260},
    {"Österåker", 25},
    {"Österåkers", 25},
    {"Östhammar", 33},
    {"Östhammars", 33},
    {"Östra Göinge", 127},
    {"Överkalix", 288},
    {"Övertorneå", 289},
};

#define NSORTED (sizeof sorted_names / sizeof sorted_names[0])

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const name_entry *)a)->s, ((const name_entry *)b)->s);
}

/* Exact (case-sensitive) lookup of s[0, len) as a name or genitive. Returns the index or -1. */
static long lookup_sorted(const char *s, size_t len)
{
    char key[64];
    if (len == 0 || len >= sizeof key)
        return -1;
    memcpy(key, s, len);
    key[len] = '\0';
    name_entry probe = {key, 0};
    const name_entry *hit = bsearch(&probe, sorted_names, NSORTED, sizeof probe, cmp_entry);
    return hit ? (long)hit->k : -1;
}

bool ps_kommun_table_ok(void)
{
    for (size_t i = 1; i < NSORTED; i++)
        if (strcmp(sorted_names[i - 1].s, sorted_names[i].s) >= 0)
            return false;
    for (size_t i = 0; i < NSORTED; i++) {
        const ps_kommun *e = &kommuner[sorted_names[i].k];
        if (strcmp(e->name, sorted_names[i].s) != 0 && strcmp(e->genitive, sorted_names[i].s) != 0)
            return false;
    }
    return true;
}

static bool ambiguous(size_t k)
{
    for (size_t a = 0; a < sizeof ambiguous_bare / sizeof ambiguous_bare[0]; a++)
        if (strcmp(ambiguous_bare[a], kommuner[k].name) == 0)
            return true;
    return false;
}

static bool is_word_start(const char *src, size_t p)
{
    return p == 0 || !(ps_text_wordc((unsigned char)src[p - 1]) || src[p - 1] == '-');
}

static size_t word_end(const char *src, size_t len, size_t p)
{
    while (p < len && (ps_text_wordc((unsigned char)src[p]) || src[p] == '-'))
        p++;
    return p;
}

/* Word [b, e) ending at e (letters, digits, inner hyphens). */
static size_t word_back(const char *src, size_t e)
{
    size_t b = e;
    while (b > 0 && (ps_text_wordc((unsigned char)src[b - 1]) || src[b - 1] == '-'))
        b--;
    return b;
}

/* Is the mention [b, e) part of an enumeration: a comma or "och"/"samt" before it, or a
 * comma or " och " right after? */
static bool enumerated(const char *src, size_t len, size_t b, size_t e)
{
    size_t p = b;
    while (p > 0 && src[p - 1] == ' ')
        p--;
    if (p > 0 && src[p - 1] == ',')
        return true;
    size_t wb = word_back(src, p);
    if (p - wb == 3 && memcmp(src + wb, "och", 3) == 0)
        return true;
    if (p - wb == 4 && memcmp(src + wb, "samt", 4) == 0)
        return true;
    if (e < len && src[e] == ',')
        return true;
    return e + 5 <= len && memcmp(src + e, " och ", 5) == 0;
}

/* Length of " kommun"/" stad" (and genitives) at s, or 0. */
static size_t formal_suffix(const char *s, size_t len)
{
    static const char *const forms[] = {" kommuns", " kommun", " Kommun",
                                        " stads",   " stad",   " Stad"};
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        size_t n = strlen(forms[f]);
        if (n <= len && memcmp(s, forms[f], n) == 0 &&
            (n == len || !ps_text_wordc((unsigned char)s[n])))
            return n;
    }
    return 0;
}

static void score_mentions(int *score, const char *src, size_t len)
{
    for (size_t p = 0; p < len;) {
        if (!ps_text_upper_at(src + p, len - p) || !is_word_start(src, p)) {
            p++;
            continue;
        }
        size_t e = word_end(src, len, p);
        long k = -1;
        size_t end = e;
        bool formal = false;
        /* Two-word names: "Upplands Väsby", "Lilla Edet", "Östra Göinge", "Region Gotland". */
        if (e < len && src[e] == ' ' && ps_text_upper_at(src + e + 1, len - e - 1)) {
            size_t e2 = word_end(src, len, e + 1);
            if ((k = lookup_sorted(src + p, e2 - p)) >= 0) {
                end = e2;
            } else if (e - p == 6 && memcmp(src + p, "Region", 6) == 0 &&
                       (k = lookup_sorted(src + e + 1, e2 - e - 1)) >= 0 &&
                       strcmp(kommuner[k].name, "Gotland") == 0) {
                end = e2;
                formal = true;
            } else {
                k = -1;
            }
        }
        if (k < 0)
            k = lookup_sorted(src + p, e - p);
        if (k < 0) {
            p = e;
            continue;
        }
        size_t q = end;
        size_t fs = formal ? 0 : formal_suffix(src + q, len - q);
        if (fs || formal) {
            q += fs;
            score[k] += enumerated(src, len, p, q) ? 2 : 4;
        } else if (!ambiguous((size_t)k)) {
            score[k] += 1;
        }
        p = q;
    }
}

const char *ps_kommun_infer(const char *src, const ps_line *lines, size_t nlines, bool *read)
{
    *read = false;
    /* A letterhead: one of the first lines is "X kommun" (possibly "X kommun - nämnd"). */
    ps_buf plain = PS_BUF_INIT;
    size_t seen = 0;
    for (size_t i = 0; i < nlines && seen < 8; i++) {
        if (lines[i].flags & (PS_LINE_BLANK | PS_LINE_NOISE))
            continue;
        seen++;
        if (lines[i].width > 120)
            continue;
        ps_buf_clear(&plain);
        ps_text_plain(src, lines[i].cstart, lines[i].cend, &plain);
        if (!plain.data)
            continue;
        size_t n = plain.len;
        const char *dash = strstr(plain.data, " - ");
        if (!dash)
            dash = strstr(plain.data, " \xE2\x80\x93 ");
        if (dash)
            n = (size_t)(dash - plain.data);
        bool formal = (n > 7 && ps_text_ieq(plain.data + n - 7, 7, " kommun")) ||
                      (n > 5 && ps_text_ieq(plain.data + n - 5, 5, " stad")) ||
                      ps_text_iprefix(plain.data, n, "region gotland");
        const char *name = formal ? ps_kommun_lookup(plain.data, n) : NULL;
        if (name) {
            ps_buf_free(&plain);
            *read = true;
            return name;
        }
    }
    ps_buf_free(&plain);

    int score[NKOMMUNER] = {0};
    size_t len = nlines ? lines[nlines - 1].end : 0;
    score_mentions(score, src, len);
    size_t best = 0, second = 1;
    for (size_t k = 1; k < NKOMMUNER; k++) {
        if (score[k] > score[best]) {
            second = best;
            best = k;
        } else if (score[k] > score[second] || second == best) {
            second = k;
        }
    }
    if (score[best] >= 4 && score[best] > score[second])
        return kommuner[best].name;
    return NULL;
}

/* ---- nämnd ---------------------------------------------------------------------------------- */

static const struct {
    const char *letters, *namnd;
} series[] = {
    {"SN", "Socialnämnden"},
    {"SNAU", "Socialnämndens arbetsutskott"},
    {"KS", "Kommunstyrelsen"},
    {"KSAU", "Kommunstyrelsens arbetsutskott"},
    {"KF", "Kommunfullmäktige"},
    {"BUN", "Barn- och ungdomsnämnden"},
    {"UN", "Utbildningsnämnden"},
    {"KUN", "Kultur- och utbildningsnämnden"},
    {"KFN", "Kultur- och fritidsnämnden"},
    {"MBN", "Miljö- och byggnadsnämnden"},
    {"BN", "Byggnadsnämnden"},
    {"SBN", "Samhällsbyggnadsnämnden"},
    {"TN", "Tekniska nämnden"},
    {"ÄN", "Äldrenämnden"},
    {"VON", "Vård- och omsorgsnämnden"},
    {"MN", "Miljönämnden"},
    {"KN", "Kulturnämnden"},
    {"FN", "Fritidsnämnden"},
    {"ÖFN", "Överförmyndarnämnden"},
    {"SAN", "Social- och arbetsmarknadsnämnden"},
    {"AMN", "Arbetsmarknadsnämnden"},
    {"GN", "Gymnasienämnden"},
    {"VN", "Valnämnden"},
};

const char *ps_namnd_for_series(const char *letters)
{
    for (size_t k = 0; k < sizeof series / sizeof series[0]; k++)
        if (strcmp(series[k].letters, letters) == 0)
            return series[k].namnd;
    return NULL;
}

static bool ends_with_i(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && ps_text_ieq(s + len - n, n, suffix);
}

/* An organ word: "...nämnden", "...styrelsen", "...fullmäktige" (not the bare generic word). */
static bool organ_word(const char *w, size_t n)
{
    static const char *const endings[] = {"nämnden", "styrelsen", "fullmäktige"};
    for (size_t k = 0; k < 3; k++) {
        size_t e = strlen(endings[k]);
        if (n > e && ends_with_i(w, n, endings[k]))
            return true;
    }
    return false;
}

/* Append word w with its first letter upper- or lower-cased. */
static void put_cased(ps_buf *b, const char *w, size_t n, bool upper)
{
    if (n == 0)
        return;
    unsigned char c = (unsigned char)w[0];
    if (c < 0x80) {
        char x = (char)c;
        if (upper && x >= 'a' && x <= 'z')
            x = (char)(x - 32);
        else if (!upper && x >= 'A' && x <= 'Z')
            x = (char)(x + 32);
        ps_buf_putc(b, x);
        ps_buf_append(b, w + 1, n - 1);
    } else if (c == 0xC3 && n > 1) {
        unsigned char d = (unsigned char)w[1];
        if (upper && d >= 0xA0 && d <= 0xBE && d != 0xB7)
            d = (unsigned char)(d - 0x20);
        else if (!upper && d >= 0x80 && d <= 0x9E && d != 0x97)
            d = (unsigned char)(d + 0x20);
        char t[2] = {(char)c, (char)d};
        ps_buf_append(b, t, 2);
        ps_buf_append(b, w + 2, n - 2);
    } else {
        ps_buf_append(b, w, n);
    }
}

char *ps_namnd_normalize(const char *s, size_t len)
{
    while (len && (s[len - 1] == ':' || s[len - 1] == ' ' || s[len - 1] == '.'))
        len--;
    /* Split into at most 4 words. */
    const char *w[5];
    size_t wl[5], nw = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && s[i] == ' ')
            i++;
        if (i >= len)
            break;
        if (nw == 4)
            return NULL;
        size_t b = i;
        while (i < len && s[i] != ' ')
            i++;
        w[nw] = s + b;
        wl[nw++] = i - b;
    }
    ps_buf out = PS_BUF_INIT;
    if (nw == 1 && organ_word(w[0], wl[0])) {
        put_cased(&out, w[0], wl[0], true);
    } else if (nw == 2 &&
               (ends_with_i(w[0], wl[0], "nämndens") || ends_with_i(w[0], wl[0], "styrelsens")) &&
               ends_with_i(w[1], wl[1], "utskott")) {
        put_cased(&out, w[0], wl[0], true);
        ps_buf_putc(&out, ' ');
        put_cased(&out, w[1], wl[1], false);
    } else if (nw == 2 && ps_text_ieq(w[1], wl[1], "nämnden") && ps_text_upper_at(w[0], wl[0])) {
        put_cased(&out, w[0], wl[0], true);
        ps_buf_puts(&out, " nämnden");
    } else if (nw == 3 &&
               (ps_text_ieq(w[1], wl[1], "o") || ps_text_ieq(w[1], wl[1], "och") ||
                ps_text_ieq(w[1], wl[1], "&") || ps_text_ieq(w[1], wl[1], "o.")) &&
               organ_word(w[2], wl[2]) && ps_text_upper_at(w[0], wl[0]) &&
               !organ_word(w[0], wl[0])) {
        size_t n0 = wl[0];
        if (w[0][n0 - 1] == '-')
            n0--;
        put_cased(&out, w[0], n0, true);
        ps_buf_puts(&out, "- och ");
        put_cased(&out, w[2], wl[2], false);
    } else {
        return NULL;
    }
    return ps_buf_steal(&out, NULL);
}

/* A word naming the area of a nämnd, as the first part of "X och Y-nämnden" without its hyphen. */
static bool area_word(const char *w, size_t n)
{
    static const char *const areas[] = {"social",  "miljö",      "kultur",    "barn",
                                        "bygg",    "vård",       "teknik",    "fritid",
                                        "utbildning", "omsorg",  "hälso",     "ungdoms",
                                        "arbetsmarknad", "plan", "idrott",    "samhällsbyggnad",
                                        "stadsbyggnad", "gata",  "trafik",    "fastighet"};
    for (size_t k = 0; k < sizeof areas / sizeof areas[0]; k++)
        if (ps_text_ieq(w, n, areas[k]))
            return true;
    return false;
}

char *ps_namnd_infer(const char *src, size_t len)
{
    /* Candidates in order of first mention, with counts. */
    enum { MAXC = 16 };
    char *cand[MAXC];
    int count[MAXC];
    size_t nc = 0;
    static const char suffix[] = "nämnden";
    const size_t sl = sizeof suffix - 1;
    for (size_t p = 0; p + sl <= len; p++) {
        /* Cheap test first: "nden" ends the candidate. */
        if (src[p + sl - 1] != 'n' || src[p + sl - 2] != 'e' || src[p + sl - 3] != 'd')
            continue;
        if (!ends_with_i(src, p + sl, suffix) ||
            (p + sl < len && ps_text_wordc((unsigned char)src[p + sl])))
            continue;
        size_t e = p + sl, b = word_back(src, e);
        if (e - b <= sl)
            continue; /* the generic "nämnden" */
        size_t start = b;
        size_t c = b;
        while (c > 0 && src[c - 1] == ' ')
            c--;
        size_t cb = word_back(src, c);
        if ((c - cb == 1 && src[cb] == 'o') || (c - cb == 3 && memcmp(src + cb, "och", 3) == 0)) {
            size_t d = cb;
            while (d > 0 && src[d - 1] == ' ')
                d--;
            size_t db = word_back(src, d);
            /* "Miljö- och byggnadsnämnden", "Social o Arbetsmarknadsnämnden": the first part
             * ends in a hyphen or is an area of a nämnd ("Sverige och Exportkreditnämnden",
             * "Domstolen och socialnämnden" are two things) */
            if (d > db && (src[d - 1] == '-' || area_word(src + db, d - db)) &&
                ps_text_upper_at(src + db, d - db))
                start = db;
        }
        if (start == b && !ps_text_upper_at(src + b, e - b))
            continue;
        char *n = ps_namnd_normalize(src + start, e - start);
        if (!n)
            continue;
        size_t k;
        for (k = 0; k < nc; k++)
            if (strcmp(cand[k], n) == 0)
                break;
        if (k < nc) {
            count[k]++;
            free(n);
        } else if (nc < MAXC) {
            cand[nc] = n;
            count[nc++] = 1;
        } else {
            free(n);
        }
        p = e - 1;
    }
    size_t best = 0;
    for (size_t k = 1; k < nc; k++)
        if (count[k] > count[best])
            best = k;
    char *result = nc ? cand[best] : NULL;
    for (size_t k = 0; k < nc; k++)
        if (k != best)
            free(cand[k]);
    return result;
}
