// Acme Robotics: staff, products and pipeline stages of the demo (see demo_acme.h).
#include "cli/demo_acme.h"

namespace rapport::cli::demo {

const std::vector<ProductInfo> kProducts = {
    {"P-1", "RA-100 robot arm", "RA-100", 45'000, true},
    {"P-2", "RA-300 heavy-payload arm", "RA-300", 78'000, true},
    {"P-3", "CB-20 collaborative robot", "CB-20", 27'500, true},
    {"P-4", "VS-5 vision system", "VS-5", 12'400, true},
    {"P-5", "Fleet manager licence, per robot and year", "FM-LIC", 1'900, false},
    {"P-6", "Service plan Gold, per robot and year", "SVC-GOLD", 3'600, false},
};

const std::vector<StageInfo> kNewBusiness = {
    {"qualify", "Qualification", 10, 3, 18, 0.33, 0.00, 1, 4},
    {"discovery", "Discovery", 25, 6, 28, 0.22, 0.00, 2, 5},
    {"demo", "Demo", 45, 7, 30, 0.17, 0.06, 2, 6},
    {"proposal", "Proposal", 65, 8, 35, 0.17, 0.08, 2, 6},
    {"negotiation", "Negotiation", 80, 6, 40, 0.20, 0.05, 2, 7},
};
const std::vector<StageInfo> kRenewals = {
    {"renewal-due", "Renewal due", 60, 0, 0, 0, 0, 1, 2},
    {"quote-sent", "Quote sent", 75, 0, 0, 0, 0, 1, 3},
    {"renewal-negotiation", "Renewal negotiation", 90, 0, 0, 0, 0, 1, 3},
};

const std::vector<UserInfo> kUsers = {
    {"Ada Okafor", fb::Role::Admin, "Sales operations", -1, 0},
    {"Katrin Vogel", fb::Role::Manager, "Sales director DACH", 0, 0},
    {"Henrik Lindqvist", fb::Role::Manager, "Sales director Nordics", 1, 0},
    {"Rachel Evans", fb::Role::Manager, "Sales director UK & Ireland", 2, 0},
    {"Claire Dubois", fb::Role::Manager, "Sales director France", 3, 0},
    {"Jonas Becker", fb::Role::Rep, "Account executive", 0, 0},
    {"Lena Hoffmann", fb::Role::Rep, "Account executive", 0, 0},
    {"Felix Wagner", fb::Role::Rep, "Account executive", 0, 0},
    {"Miriam Schulz", fb::Role::Rep, "Senior account executive", 0, 0},
    {"Tobias Koch", fb::Role::Rep, "Account executive", 0, 0},
    {"Sarah Lehmann", fb::Role::Rep, "Account executive", 0, 0},
    {"Elin Johansson", fb::Role::Rep, "Senior account executive", 1, 0},
    {"Mikkel Nielsen", fb::Role::Rep, "Account executive", 1, 0},
    {"Ingrid Berg", fb::Role::Rep, "Account executive", 1, 0},
    {"Oskar Virtanen", fb::Role::Rep, "Account executive", 1, 0},
    {"Sofie Andersen", fb::Role::Rep, "Account executive", 1, 0},
    {"James Whitfield", fb::Role::Rep, "Senior account executive", 2, 0},
    {"Priya Shah", fb::Role::Rep, "Account executive", 2, 0},
    {"Conor Byrne", fb::Role::Rep, "Account executive", 2, 0},
    {"Hannah Clarke", fb::Role::Rep, "Account executive", 2, 0},
    {"Oliver Grant", fb::Role::Rep, "Account executive", 2, 0},
    {"Julien Moreau", fb::Role::Rep, "Senior account executive", 3, 0},
    {"Camille Laurent", fb::Role::Rep, "Account executive", 3, 0},
    {"Antoine Girard", fb::Role::Rep, "Account executive", 3, 0},
    {"Léa Fontaine", fb::Role::Rep, "Account executive", 3, 0},
    {"Mathieu Roux", fb::Role::Rep, "Account executive", 3, 0},
    {"Marta Nowak", fb::Role::Rep, "Support engineer", -1, 0},
    {"Luca Bianchi", fb::Role::Rep, "Support engineer", -1, 0},
    {"Aisha Rahman", fb::Role::Rep, "Support engineer", -1, 0},
    {"Jana Weiss", fb::Role::Rep, "Marketing operations", -1, 0},
    {"Noah Fischer", fb::Role::Analyst, "Revenue analyst", -1, 0},
    {"Nils Åberg", fb::Role::Rep, "Account executive", 1, 200},
    {"Emma Richter", fb::Role::Rep, "Account executive", 0, 380},
};

}  // namespace rapport::cli::demo
