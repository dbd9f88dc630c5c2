// The word lists of the demo generator (see demo_names.h).
#include "cli/demo_names.h"

#include <cctype>
#include <utility>

namespace rapport::cli::demo {

const std::vector<TerritoryInfo>& Territories() {
  static const std::vector<TerritoryInfo> t = {
      {"DACH", 0.34,
       {{"Germany", "de", "+49", {"Munich", "Stuttgart", "Hamburg", "Berlin", "Cologne", "Frankfurt", "Düsseldorf", "Leipzig", "Nuremberg", "Hanover", "Dortmund", "Bremen", "Augsburg", "Karlsruhe", "Ulm"}, {"GmbH", "GmbH & Co. KG", "AG"}, 70},
        {"Austria", "at", "+43", {"Vienna", "Graz", "Linz", "Salzburg", "Innsbruck"}, {"GmbH", "AG"}, 15},
        {"Switzerland", "ch", "+41", {"Zurich", "Basel", "Bern", "Lausanne", "Winterthur", "St. Gallen"}, {"AG", "GmbH"}, 15}},
       {"Alpen", "Rhein", "Isar", "Donau", "Elbe", "Main", "Neckar", "Harz", "Boden", "Taunus", "Spree", "Weser", "Ruhr", "Eifel", "Allgäu", "Mosel", "Saale", "Lech", "Brenner", "Inn"},
       {"tronik", "tec", "werk", "logistik", "pack", "plast", "mechanik", "form", "technik", "automation", "systeme", "antrieb"},
       {"Maschinenbau", "Präzisionstechnik", "Antriebstechnik", "Kunststofftechnik", "Verpackungen", "Logistik", "Elektronik", "Lebensmittel", "Feinmechanik", "Metallbau"},
       {"Anna", "Lukas", "Julia", "Maximilian", "Laura", "Jan", "Katharina", "Florian", "Sophie", "Michael", "Lea", "Stefan", "Hannah", "Thomas", "Johanna", "Markus", "Clara", "Andreas", "Theresa", "Sebastian", "Jürgen", "Sabine", "Matthias", "Birgit"},
       {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Huber", "Gruber", "Steiner", "Keller"},
       "EUR"},
      {"Nordics", 0.20,
       {{"Sweden", "se", "+46", {"Stockholm", "Gothenburg", "Malmö", "Västerås", "Linköping", "Jönköping"}, {"AB"}, 40},
        {"Norway", "no", "+47", {"Oslo", "Bergen", "Trondheim", "Stavanger"}, {"AS"}, 20},
        {"Denmark", "dk", "+45", {"Copenhagen", "Aarhus", "Odense", "Aalborg"}, {"A/S", "ApS"}, 25},
        {"Finland", "fi", "+358", {"Helsinki", "Tampere", "Espoo", "Oulu", "Turku"}, {"Oy", "Oyj"}, 15}},
       {"Fjord", "Nord", "Vik", "Sol", "Havs", "Skog", "Lind", "Björk", "Ek", "Strand", "Berg", "Sjö", "Fors", "Dal", "Vinter", "Norr", "Kyst", "Myr", "Ask", "Lyng"},
       {"verken", "tek", "mekanik", "pack", "plast", "logistik", "automation", "industri", "produkter", "robotik"},
       {"Mekaniska", "Industri", "Logistik", "Plast", "Verkstad", "Elektronik", "Livsmedel", "Förpackning"},
       {"Erik", "Anna", "Lars", "Maria", "Johan", "Karin", "Anders", "Emma", "Mikael", "Sara", "Nils", "Ida", "Henrik", "Linnea", "Mats", "Astrid", "Jukka", "Aino", "Søren", "Mette", "Ole", "Ingrid", "Björn", "Freja"},
       {"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsen", "Hansen", "Jensen", "Nielsen", "Pedersen", "Berg", "Lindqvist", "Virtanen", "Korhonen", "Mäkinen", "Haugen", "Dahl", "Lund", "Holm", "Sundberg", "Ekström", "Solberg", "Bakke"},
       "EUR"},
      {"UK & Ireland", 0.26,
       {{"United Kingdom", "co.uk", "+44", {"London", "Manchester", "Birmingham", "Leeds", "Sheffield", "Bristol", "Glasgow", "Coventry", "Nottingham", "Derby", "Newcastle", "Cardiff"}, {"Ltd", "plc"}, 82},
        {"Ireland", "ie", "+353", {"Dublin", "Cork", "Galway", "Limerick"}, {"Ltd", "DAC"}, 18}},
       {"Thames", "Pennine", "Severn", "Clyde", "Albion", "Mersey", "Kestrel", "Oakridge", "Harbour", "Shannon", "Liffey", "Cotswold", "Humber", "Tyne", "Avon", "Chiltern", "Solent", "Trent", "Wessex", "Mourne"},
       {},
       {"Engineering", "Logistics", "Foods", "Precision", "Components", "Plastics", "Pharma", "Packaging", "Systems", "Manufacturing", "Automation", "Fabrication", "Distribution", "Medical"},
       {"James", "Emily", "Oliver", "Sophie", "Thomas", "Charlotte", "Daniel", "Olivia", "Matthew", "Amelia", "George", "Grace", "Ciaran", "Aoife", "Rhys", "Niamh", "Samuel", "Lucy", "Harry", "Chloe", "Patrick", "Eleanor"},
       {"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Murphy", "Kelly", "O'Brien", "Byrne", "Walsh", "McCarthy", "Hughes", "Edwards"},
       "GBP"},
      {"France", 0.20,
       {{"France", "fr", "+33", {"Paris", "Lyon", "Toulouse", "Nantes", "Lille", "Bordeaux", "Grenoble", "Strasbourg", "Rennes", "Clermont-Ferrand"}, {"SAS", "SA", "SARL"}, 85},
        {"Belgium", "be", "+32", {"Brussels", "Antwerp", "Liège", "Ghent"}, {"SA", "NV", "SRL"}, 15}},
       {"Loire", "Rhône", "Seine", "Garonne", "Alpes", "Provence", "Bretagne", "Atlantique", "Lumière", "Vallée", "Saône", "Dordogne", "Vosges", "Jura", "Normandie", "Marne", "Cévennes", "Azur", "Meuse", "Armor"},
       {},
       {"Mécanique", "Logistique", "Plastiques", "Emballages", "Industries", "Composants", "Laboratoires", "Ateliers", "Précision", "Systèmes"},
       {"Camille", "Louis", "Manon", "Hugo", "Chloé", "Lucas", "Inès", "Thomas", "Léa", "Nicolas", "Julie", "Pierre", "Sarah", "Antoine", "Émilie", "Julien", "Céline", "François", "Margaux", "Guillaume", "Élodie", "Mathieu"},
       {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "Dupont", "Lambert", "Peeters", "Janssens"},
       "EUR"},
  };
  return t;
}

const std::vector<const char*> kIndustries = {
    "Automotive", "Logistics", "Food & beverage", "Electronics", "Pharmaceuticals", "Metalworking",
    "Plastics", "Packaging", "Aerospace", "Medical devices", "E-commerce", "Chemicals"};
const std::vector<const char*> kTitles = {
    "Head of Operations", "Plant Manager", "Production Director", "CTO", "COO", "Procurement Manager",
    "Automation Engineer", "Head of Logistics", "Managing Director", "Engineering Manager",
    "Purchasing Lead", "Maintenance Manager", "CFO", "Quality Manager", "Innovation Lead"};
const std::vector<const char*> kProjects = {
    "palletising cell", "pick-and-place line", "welding cell", "warehouse automation", "packaging line upgrade",
    "quality inspection", "machine tending", "end-of-line automation", "lab automation", "cobot pilot",
    "depalletising", "kitting station"};
const std::vector<const char*> kSources = {"website", "trade fair", "referral", "outbound", "partner", "webinar"};
const std::vector<const char*> kLossReasons = {
    "price", "chose a competitor", "no budget this year", "timing: project postponed",
    "no decision", "built it in-house", "lost the champion", "technical fit"};
const std::vector<const char*> kChurnReasons = {
    "budget cut", "switched to a competitor", "plant closed", "moved the service in-house"};
const std::vector<const char*> kCompetitors = {"Kuka", "Fanuc", "ABB", "Universal Robots", "Stäubli", "Yaskawa"};

std::string Fold(std::string_view s) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kMap = {
      {"ä", "ae"}, {"ö", "oe"}, {"ü", "ue"}, {"ß", "ss"}, {"Ä", "ae"}, {"Ö", "oe"}, {"Ü", "ue"},
      {"é", "e"},  {"è", "e"},  {"ê", "e"},  {"ë", "e"},  {"É", "e"},  {"à", "a"},  {"â", "a"},
      {"ç", "c"},  {"ô", "o"},  {"î", "i"},  {"ï", "i"},  {"å", "a"},  {"Å", "a"},  {"ø", "o"},
      {"Ø", "o"},  {"æ", "ae"}, {"Æ", "ae"}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
      ++i;
      continue;
    }
    bool mapped = false;
    for (const auto& [from, to] : kMap) {
      if (s.substr(i, from.size()) == from) {
        out += to;
        i += from.size();
        mapped = true;
        break;
      }
    }
    if (!mapped) {  // skip an unknown character
      ++i;
      while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    }
  }
  return out;
}

}  // namespace rapport::cli::demo
