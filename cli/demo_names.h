// The words the demo generator draws from (cli/demo_generator.h): the four territories with
// their countries, cities, company-name parts and people's names, and the short lists a sales
// team's records are made of (industries, job titles, projects, lead sources, reasons to lose,
// competitors). Only the generator uses them; their order is part of the seed's story, so
// changing a list changes the log every seed gives.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rapport::cli::demo {

struct CountryInfo {
  const char* name;
  const char* tld;
  const char* phone;
  std::vector<const char*> cities;
  std::vector<const char*> forms;  // legal forms, the first most common
  int weight;                      // share of the territory's companies, relative to its siblings
};

struct TerritoryInfo {
  const char* team;
  double share;  // of all companies
  std::vector<CountryInfo> countries;
  std::vector<const char*> roots, tails, words;  // company name parts
  std::vector<const char*> first_names, last_names;
  const char* currency;
};

// DACH, Nordics, UK & Ireland, France, in this order (team T-1 to T-4); the shares sum to 1.
const std::vector<TerritoryInfo>& Territories();

extern const std::vector<const char*> kIndustries;
extern const std::vector<const char*> kTitles;        // of contacts
extern const std::vector<const char*> kProjects;      // what a deal automates
extern const std::vector<const char*> kSources;       // of companies, contacts and deals
extern const std::vector<const char*> kLossReasons;   // new business
extern const std::vector<const char*> kChurnReasons;  // renewals
extern const std::vector<const char*> kCompetitors;

// "Émilie O'Brien" -> "emilieobrien": lower-case ASCII letters and digits, for emails and domains.
std::string Fold(std::string_view s);

}  // namespace rapport::cli::demo
