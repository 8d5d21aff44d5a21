// xapquery — the Xapian anchor for the query benchmark: what `quest --db DB --stemmer=swedish
// --default-op=and` does for one query (QueryParser with the Swedish stemmer, BM25, top 10 with
// their document data), but for every line of stdin inside one process, so that the time per
// query does not include process start-up. Input lines: QUERY [TAB FILTER-TERM]. Output lines:
// MICROSECONDS TAB MATCHES-ESTIMATED (-1 when the query does not parse). With --top N (the
// relevance part) each line instead lists the url= of the first N hits, TAB-separated.
// Built by bench/run with the system C++ compiler; not part of the product.
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char **argv) {
    std::string db_path, stemmer = "swedish";
    int passes = 2, top = 0;
    size_t data_bytes = 0;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--db") && i + 1 < argc) db_path = argv[++i];
        else if (!std::strcmp(argv[i], "--stemmer") && i + 1 < argc) stemmer = argv[++i];
        else if (!std::strcmp(argv[i], "--passes") && i + 1 < argc) passes = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--top") && i + 1 < argc) top = std::atoi(argv[++i]), passes = 1;
        else { std::fprintf(stderr, "usage: xapquery --db DB [--stemmer LANG] [--passes N | --top N] < queries\n"); return 2; }
    }
    std::vector<std::pair<std::string, std::string>> queries;
    for (std::string line; std::getline(std::cin, line);) {
        size_t tab = line.find('\t');
        if (tab == std::string::npos) queries.emplace_back(line, "");
        else queries.emplace_back(line.substr(0, tab), line.substr(tab + 1));
    }
    try {
        Xapian::Database db(db_path);
        Xapian::Enquire enquire(db);
        Xapian::QueryParser qp;
        qp.set_database(db);
        qp.set_stemmer(Xapian::Stem(stemmer));
        qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        qp.set_default_op(Xapian::Query::OP_AND);
        // every pass but the last warms the cache; the last one is timed and printed
        for (int pass = 0; pass < passes; pass++) {
            for (const auto &q : queries) {
                auto t0 = std::chrono::steady_clock::now();
                long matches = -1;
                try {
                    Xapian::Query query = qp.parse_query(q.first, Xapian::QueryParser::FLAG_DEFAULT);
                    if (!q.second.empty())
                        query = Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(q.second));
                    enquire.set_query(query);
                    if (top > 0) {
                        Xapian::MSet mset = enquire.get_mset(0, top);
                        std::string line;
                        for (auto it = mset.begin(); it != mset.end(); ++it) {
                            std::string data = it.get_document().get_data();
                            size_t u = data.find("url=");
                            size_t e = u == std::string::npos ? u : data.find('\n', u);
                            if (u != std::string::npos)
                                line += (line.empty() ? "" : "\t") + data.substr(u + 4, e == std::string::npos ? e : e - u - 4);
                        }
                        std::printf("%s\n", line.c_str());
                        continue;
                    }
                    Xapian::MSet mset = enquire.get_mset(0, 10);
                    // fetch each hit's stored data, as quest does to print it
                    for (auto it = mset.begin(); it != mset.end(); ++it) data_bytes += it.get_document().get_data().size();
                    matches = (long)mset.get_matches_estimated();
                } catch (const Xapian::QueryParserError &) {
                    if (top > 0) {
                        std::printf("\n");
                        continue;
                    }
                }
                auto us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
                if (pass == passes - 1) std::printf("%.1f\t%ld\n", us, matches);
            }
        }
        std::fprintf(stderr, "xapquery: %zu queries, %zu bytes of document data read\n", queries.size(), data_bytes);
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "xapquery: %s\n", e.get_description().c_str());
        return 3;
    }
    return 0;
}
