// Sweden's 290 kommuner (grouped by län) and the nämnder whose protocols the corpus imitates.
// Static data for bench/corpus; the order is fixed so that generated corpora stay byte-identical.

export const KOMMUNER = [
  // Stockholms län
  'Botkyrka', 'Danderyd', 'Ekerö', 'Haninge', 'Huddinge', 'Järfälla', 'Lidingö', 'Nacka',
  'Norrtälje', 'Nykvarn', 'Nynäshamn', 'Salem', 'Sigtuna', 'Sollentuna', 'Solna', 'Stockholm',
  'Sundbyberg', 'Södertälje', 'Tyresö', 'Täby', 'Upplands-Bro', 'Upplands Väsby', 'Vallentuna',
  'Vaxholm', 'Värmdö', 'Österåker',
  // Uppsala län
  'Enköping', 'Heby', 'Håbo', 'Knivsta', 'Tierp', 'Uppsala', 'Älvkarleby', 'Östhammar',
  // Södermanlands län
  'Eskilstuna', 'Flen', 'Gnesta', 'Katrineholm', 'Nyköping', 'Oxelösund', 'Strängnäs', 'Trosa',
  'Vingåker',
  // Östergötlands län
  'Boxholm', 'Finspång', 'Kinda', 'Linköping', 'Mjölby', 'Motala', 'Norrköping', 'Söderköping',
  'Vadstena', 'Valdemarsvik', 'Ydre', 'Åtvidaberg', 'Ödeshög',
  // Jönköpings län
  'Aneby', 'Eksjö', 'Gislaved', 'Gnosjö', 'Habo', 'Jönköping', 'Mullsjö', 'Nässjö', 'Sävsjö',
  'Tranås', 'Vaggeryd', 'Vetlanda', 'Värnamo',
  // Kronobergs län
  'Alvesta', 'Lessebo', 'Ljungby', 'Markaryd', 'Tingsryd', 'Uppvidinge', 'Växjö', 'Älmhult',
  // Kalmar län
  'Borgholm', 'Emmaboda', 'Hultsfred', 'Högsby', 'Kalmar', 'Mönsterås', 'Mörbylånga', 'Nybro',
  'Oskarshamn', 'Torsås', 'Vimmerby', 'Västervik',
  // Gotlands län
  'Gotland',
  // Blekinge län
  'Karlshamn', 'Karlskrona', 'Olofström', 'Ronneby', 'Sölvesborg',
  // Skåne län
  'Bjuv', 'Bromölla', 'Burlöv', 'Båstad', 'Eslöv', 'Helsingborg', 'Hässleholm', 'Höganäs',
  'Hörby', 'Höör', 'Klippan', 'Kristianstad', 'Kävlinge', 'Landskrona', 'Lomma', 'Lund', 'Malmö',
  'Osby', 'Perstorp', 'Simrishamn', 'Sjöbo', 'Skurup', 'Staffanstorp', 'Svalöv', 'Svedala',
  'Tomelilla', 'Trelleborg', 'Vellinge', 'Ystad', 'Åstorp', 'Ängelholm', 'Örkelljunga',
  'Östra Göinge',
  // Hallands län
  'Falkenberg', 'Halmstad', 'Hylte', 'Kungsbacka', 'Laholm', 'Varberg',
  // Västra Götalands län
  'Ale', 'Alingsås', 'Bengtsfors', 'Bollebygd', 'Borås', 'Dals-Ed', 'Essunga', 'Falköping',
  'Färgelanda', 'Grästorp', 'Gullspång', 'Göteborg', 'Götene', 'Herrljunga', 'Hjo', 'Härryda',
  'Karlsborg', 'Kungälv', 'Lerum', 'Lidköping', 'Lilla Edet', 'Lysekil', 'Mariestad', 'Mark',
  'Mellerud', 'Munkedal', 'Mölndal', 'Orust', 'Partille', 'Skara', 'Skövde', 'Sotenäs',
  'Stenungsund', 'Strömstad', 'Svenljunga', 'Tanum', 'Tibro', 'Tidaholm', 'Tjörn', 'Tranemo',
  'Trollhättan', 'Töreboda', 'Uddevalla', 'Ulricehamn', 'Vara', 'Vårgårda', 'Vänersborg', 'Åmål',
  'Öckerö',
  // Värmlands län
  'Arvika', 'Eda', 'Filipstad', 'Forshaga', 'Grums', 'Hagfors', 'Hammarö', 'Karlstad', 'Kil',
  'Kristinehamn', 'Munkfors', 'Storfors', 'Sunne', 'Säffle', 'Torsby', 'Årjäng',
  // Örebro län
  'Askersund', 'Degerfors', 'Hallsberg', 'Hällefors', 'Karlskoga', 'Kumla', 'Laxå', 'Lekeberg',
  'Lindesberg', 'Ljusnarsberg', 'Nora', 'Örebro',
  // Västmanlands län
  'Arboga', 'Fagersta', 'Hallstahammar', 'Kungsör', 'Köping', 'Norberg', 'Sala',
  'Skinnskatteberg', 'Surahammar', 'Västerås',
  // Dalarnas län
  'Avesta', 'Borlänge', 'Falun', 'Gagnef', 'Hedemora', 'Leksand', 'Ludvika', 'Malung-Sälen',
  'Mora', 'Orsa', 'Rättvik', 'Smedjebacken', 'Säter', 'Vansbro', 'Älvdalen',
  // Gävleborgs län
  'Bollnäs', 'Gävle', 'Hofors', 'Hudiksvall', 'Ljusdal', 'Nordanstig', 'Ockelbo', 'Ovanåker',
  'Sandviken', 'Söderhamn',
  // Västernorrlands län
  'Härnösand', 'Kramfors', 'Sollefteå', 'Sundsvall', 'Timrå', 'Ånge', 'Örnsköldsvik',
  // Jämtlands län
  'Berg', 'Bräcke', 'Härjedalen', 'Krokom', 'Ragunda', 'Strömsund', 'Åre', 'Östersund',
  // Västerbottens län
  'Bjurholm', 'Dorotea', 'Lycksele', 'Malå', 'Nordmaling', 'Norsjö', 'Robertsfors', 'Skellefteå',
  'Sorsele', 'Storuman', 'Umeå', 'Vilhelmina', 'Vindeln', 'Vännäs', 'Åsele',
  // Norrbottens län
  'Arjeplog', 'Arvidsjaur', 'Boden', 'Gällivare', 'Haparanda', 'Jokkmokk', 'Kalix', 'Kiruna',
  'Luleå', 'Pajala', 'Piteå', 'Älvsbyn', 'Överkalix', 'Övertorneå',
];

// [name, series letters used in diarienummer, förvaltning that writes its tjänsteskrivelser]
export const NAMNDER = [
  ['Kommunfullmäktige', 'KF', 'Kommunledningskontoret'],
  ['Kommunstyrelsen', 'KS', 'Kommunledningskontoret'],
  ['Kommunstyrelsens arbetsutskott', 'KS', 'Kommunledningskontoret'],
  ['Socialnämnden', 'SN', 'Socialförvaltningen'],
  ['Socialnämndens arbetsutskott', 'SN', 'Socialförvaltningen'],
  ['Barn- och utbildningsnämnden', 'BUN', 'Barn- och utbildningsförvaltningen'],
  ['Kultur- och fritidsnämnden', 'KFN', 'Kultur- och fritidsförvaltningen'],
  ['Miljö- och byggnadsnämnden', 'MBN', 'Samhällsbyggnadsförvaltningen'],
  ['Tekniska nämnden', 'TN', 'Tekniska förvaltningen'],
  ['Vård- och omsorgsnämnden', 'VON', 'Vård- och omsorgsförvaltningen'],
  ['Arbetsmarknadsnämnden', 'AMN', 'Arbetsmarknadsförvaltningen'],
  ['Samhällsbyggnadsnämnden', 'SBN', 'Samhällsbyggnadsförvaltningen'],
  ['Överförmyndarnämnden', 'ÖFN', 'Överförmyndarkontoret'],
  ['Valnämnden', 'VN', 'Kommunledningskontoret'],
];

export const FORNAMN = [
  'Anna', 'Eva', 'Maria', 'Karin', 'Sara', 'Lena', 'Kerstin', 'Emma', 'Ingrid', 'Malin',
  'Jessica', 'Gunvi', 'Tanja', 'Arita', 'Johan', 'Lars', 'Anders', 'Mikael', 'Erik', 'Per',
  'Karl', 'Peter', 'Jonas', 'Kent', 'Magnus', 'Fredrik', 'Daniel', 'Ahmed', 'Fatima', 'Niklas',
];
export const EFTERNAMN = [
  'Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson',
  'Svensson', 'Gustafsson', 'Pettersson', 'Jonsson', 'Lindberg', 'Lindström', 'Svanström',
  'Alvermalm', 'Mattsson', 'Sultan', 'Halili', 'Perciwall', 'Berg', 'Holm', 'Sandberg', 'Lund',
];
export const PARTIER = ['S', 'M', 'SD', 'C', 'V', 'KD', 'L', 'MP'];

// Topics for ärende titles: [noun phrase, the compound it is often written as]
export const AMNEN = [
  'förskolans lokaler', 'gång- och cykelväg', 'vatten och avlopp', 'hemtjänsten',
  'äldreboendet', 'ekonomiskt bistånd', 'försörjningsstöd', 'detaljplan för bostäder',
  'bygglov för nybyggnad av enbostadshus', 'strandskyddsdispens', 'kollektivtrafiken',
  'skolskjuts', 'grundskolans resultat', 'gymnasieskolans programutbud', 'fritidsgårdar',
  'biblioteksplan', 'kulturskolan', 'idrottshallen', 'simhallen', 'föreningsbidrag',
  'samordningsförbundet', 'räddningstjänsten', 'krisberedskap', 'bostadsanpassningsbidrag',
  'avfallsplan', 'renhållningstaxa', 'VA-taxa', 'markanvisning', 'exploateringsavtal',
  'översiktsplan', 'trafiksäkerhetsplan', 'vinterväghållning', 'energi- och klimatstrategi',
  'solcellsanläggning', 'laddinfrastruktur', 'internkontrollplan', 'delårsrapport',
  'årsredovisning', 'budget och verksamhetsplan', 'taxor och avgifter', 'attestreglemente',
  'delegationsordning', 'arbetsmiljöpolicy', 'lönekartläggning', 'heltid som norm',
  'digitaliseringsstrategi', 'e-tjänster', 'informationssäkerhet', 'dataskyddsförordningen',
  'ensamkommande barn', 'mottagande av nyanlända', 'LSS-boende', 'daglig verksamhet',
  'missbruksvården', 'våld i nära relationer', 'barnkonventionen', 'folkhälsoplan',
  'tillgänglighetsanpassning', 'lokalförsörjningsplan', 'ombyggnad av kommunhuset',
];
export const TITELMALLAR = [
  'Motion om %s', 'Medborgarförslag om %s', 'Revidering av %s', 'Yttrande över %s',
  'Uppföljning av %s', 'Information om %s', 'Beslut om %s', 'Riktlinjer för %s',
  'Förslag till %s', 'Svar på remiss om %s', 'Utredning av %s', 'Avgifter för %s',
  'Investeringsbudget för %s', 'Ej verkställda beslut kvartal %q %y', 'Delårsrapport %y för %n',
  'Förnyelse av avtal om %s', 'Granskning av %s', 'Handlingsplan för %s',
];
