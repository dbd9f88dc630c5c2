// Scoring models and scores, decided without I/O: validation names the field, decay halves
// by the half-life, windows and counts and the cap hold, and every figure is computed by hand.
#include <catch2/catch.hpp>

#include "domain/rules.h"
#include "domain/scoring.h"
#include "domain/value.h"

using namespace rapport;
using namespace rapport::domain;

namespace {

constexpr Micros kDay = kMicrosPerDay;
constexpr Micros kAt = 20000 * kDay;  // 2024-10-04T00:00:00Z

std::unique_ptr<fb::ScoringCriterionT> Criterion(std::string label, int points) {
  auto c = std::make_unique<fb::ScoringCriterionT>();
  c->label = std::move(label);
  c->points = points;
  return c;
}

fb::ScoringModelT OneBehaviour(fb::ScoreBehaviour b, int points, int half_life, int within = 0, int max_count = 0) {
  fb::ScoringModelT m;
  m.half_life_days = half_life;
  auto c = Criterion("it", points);
  c->behaviour = b;
  c->within_days = within;
  c->max_count = max_count;
  m.criteria.push_back(std::move(c));
  return m;
}

RecordState Person(const std::string& title) {
  RecordState r;
  r.type = "contact";
  r.id = "C-1";
  r.created = true;
  r.Set("title", TextValue(title));
  return r;
}

LeadScore Score(const fb::ScoringModelT& m, const RecordState& who, std::vector<BehaviourFact> facts,
                const RecordState* company = nullptr) {
  ScoreInput in;
  in.model = &m;
  in.contact = &who;
  in.company = company;
  in.behaviours = std::move(facts);
  in.at = kAt;
  in.home_currency = "EUR";
  return ComputeScore(in);
}

}  // namespace

TEST_CASE("decay halves behaviour points every half-life", "[scoring]") {
  CHECK(DecayFactor(0, 100 * kDay) == 1.0);
  CHECK(DecayFactor(30, 0) == 1.0);
  CHECK(DecayFactor(30, 30 * kDay) == Approx(0.5));
  CHECK(DecayFactor(30, 90 * kDay) == Approx(0.125));
  CHECK(DecayFactor(10, 5 * kDay) == Approx(0.7071067811865476));

  // A meeting 30 days ago (20 -> 10), a form 60 days ago (10 -> 2.5), a VP title (15):
  // 27.5, which rounds to 28.
  fb::ScoringModelT m;
  m.half_life_days = 30;
  auto vp = Criterion("VP", 15);
  vp->field = "title";
  vp->op = "contains";
  vp->value = "vp";
  m.criteria.push_back(std::move(vp));
  auto meeting = Criterion("meeting", 20);
  meeting->behaviour = fb::ScoreBehaviour::Meeting;
  m.criteria.push_back(std::move(meeting));
  auto form = Criterion("form", 10);
  form->behaviour = fb::ScoreBehaviour::FormSubmitted;
  m.criteria.push_back(std::move(form));
  LeadScore s = Score(m, Person("VP Marketing"),
                      {{fb::ScoreBehaviour::FormSubmitted, 7, kAt - 60 * kDay}, {fb::ScoreBehaviour::Meeting, 9, kAt - 30 * kDay}});
  CHECK(s.score == 28);
  REQUIRE(s.reasons.size() == 3);
  CHECK(s.reasons[0]->label == "VP");
  CHECK(s.reasons[0]->source_position == 0);
  CHECK(s.reasons[1]->label == "meeting");
  CHECK(s.reasons[1]->points == Approx(10.0));
  CHECK(s.reasons[1]->source_position == 9);
  CHECK(s.reasons[2]->points == Approx(2.5));
  CHECK(s.reasons[2]->occurred_at_us == kAt - 60 * kDay);
}

TEST_CASE("behaviour counts within its age and count and the score within 0 and the cap", "[scoring]") {
  fb::ScoringModelT m = OneBehaviour(fb::ScoreBehaviour::InboundCall, 30, 0, 0, 2);
  m.max_age_days = 90;
  m.cap = 50;
  std::vector<BehaviourFact> calls = {{fb::ScoreBehaviour::InboundCall, 1, kAt - 100 * kDay},  // too old
                                      {fb::ScoreBehaviour::InboundCall, 2, kAt - 10 * kDay},
                                      {fb::ScoreBehaviour::InboundCall, 3, kAt - 5 * kDay},
                                      {fb::ScoreBehaviour::InboundCall, 4, kAt - 1 * kDay},
                                      {fb::ScoreBehaviour::InboundCall, 5, kAt + kDay}};  // not yet
  LeadScore s = Score(m, Person(""), calls);
  REQUIRE(s.reasons.size() == 2);  // the newest two that count
  CHECK(s.reasons[0]->source_position == 4);
  CHECK(s.reasons[1]->source_position == 3);
  CHECK(s.score == 50);  // 60, capped

  fb::ScoringModelT negative;
  auto student = Criterion("student", -20);
  student->field = "title";
  student->op = "contains";
  student->value = "student";
  negative.criteria.push_back(std::move(student));
  CHECK(Score(negative, Person("PhD student"), {}).score == 0);  // never below 0
  CHECK(Score(negative, Person("CFO"), {}).reasons.empty());
}

TEST_CASE("a reply counts only within its window after our email", "[scoring]") {
  fb::ScoringModelT m = OneBehaviour(fb::ScoreBehaviour::EmailReply, 10, 0, 3);
  BehaviourFact quick{fb::ScoreBehaviour::InboundEmail, 1, kAt - kDay, 2 * kDay};
  BehaviourFact late{fb::ScoreBehaviour::InboundEmail, 2, kAt - kDay, 4 * kDay};
  BehaviourFact unprompted{fb::ScoreBehaviour::InboundEmail, 3, kAt - kDay, -1};
  CHECK(Score(m, Person(""), {quick}).score == 10);
  CHECK(Score(m, Person(""), {late}).score == 0);
  CHECK(Score(m, Person(""), {unprompted}).score == 0);
}

TEST_CASE("company attributes read the contact's company", "[scoring]") {
  fb::ScoringModelT m;
  auto big = Criterion("big company", 10);
  big->field = "company.employees";
  big->op = ">=";
  big->value = "200";
  m.criteria.push_back(std::move(big));
  RecordState company;
  company.type = "company";
  company.id = "CO-1";
  company.created = true;
  company.Set("employees", NumberValue(500));
  CHECK(Score(m, Person(""), {}, &company).score == 10);
  company.Set("employees", NumberValue(50));
  CHECK(Score(m, Person(""), {}, &company).score == 0);
  CHECK(Score(m, Person(""), {}, nullptr).score == 0);
}

TEST_CASE("a scoring model is validated field by field", "[scoring]") {
  auto check = [](fb::ScoringModelT m) { return CheckScoringModel(m); };
  CHECK_THAT(check({}).message(), Catch::Contains("criteria"));
  fb::ScoringModelT m = OneBehaviour(fb::ScoreBehaviour::Meeting, 0, 0);
  CHECK_THAT(check(std::move(m)).message(), Catch::Contains("criteria[0].points"));
  m = OneBehaviour(fb::ScoreBehaviour::Meeting, 10, 0);
  m.criteria[0]->field = "title";
  CHECK_THAT(check(std::move(m)).message(), Catch::Contains("either a field"));
  m = OneBehaviour(fb::ScoreBehaviour::Meeting, 10, 0);
  m.criteria[0]->behaviour = fb::ScoreBehaviour::Unspecified;
  CHECK_THAT(check(std::move(m)).message(), Catch::Contains("not neither"));
  m = OneBehaviour(fb::ScoreBehaviour::Meeting, 10, 0, 0, 50);
  CHECK_THAT(check(std::move(m)).message(), Catch::Contains("criteria[0].max_count"));
  m = OneBehaviour(fb::ScoreBehaviour::Meeting, 10, -1);
  CHECK_THAT(check(std::move(m)).message(), Catch::Contains("half_life_days"));
  fb::ScoringModelT attr;
  auto c = Criterion("x", 5);
  c->field = "title";
  c->op = "like";
  c->value = "x";
  attr.criteria.push_back(std::move(c));
  CHECK_THAT(check(std::move(attr)).message(), Catch::Contains("criteria[0].op"));
  CHECK(CheckScoringModel(StarterScoringModel()).ok());
  CHECK(ParseScoreBehaviour("EmailReply") == fb::ScoreBehaviour::EmailReply);
  CHECK(ParseScoreBehaviour("inbound_call") == fb::ScoreBehaviour::InboundCall);
  CHECK_FALSE(ParseScoreBehaviour("webinar"));
}

TEST_CASE("score bands split the cap in five", "[scoring]") {
  auto bands = ScoreBands(100);
  REQUIRE(bands.size() == 5);
  CHECK(bands[0].Label() == "0-19");
  CHECK(bands[4].Label() == "80-100");
  CHECK(BandOf(0, 100) == 0);
  CHECK(BandOf(19, 100) == 0);
  CHECK(BandOf(20, 100) == 1);
  CHECK(BandOf(100, 100) == 4);
  CHECK(ScoreBands(50)[4].Label() == "40-50");
}

TEST_CASE("the qualified-lead template fires on crossing its threshold only", "[scoring][automation]") {
  Directory dir;
  TemplateParams p;
  p.score = "70";
  auto d = RuleTemplate("qualified-lead", p, dir);
  REQUIRE(d.ok());
  CHECK(CheckRuleDefinition(*d, dir).ok());
  CHECK(d->event_type == "LeadScored");
  RecordState lead = Person("");
  lead.Set("lifecycle", ChoiceValue("lead"));
  auto holds = [&](int score, int previous) {
    nlohmann::json e = {{"score", score}, {"previous_score", previous}};
    TriggerFacts f;
    f.record = &lead;
    f.event = &e;
    return ConditionsHold(*d, f);
  };
  CHECK(holds(70, 69));
  CHECK(holds(95, 10));
  CHECK_FALSE(holds(75, 70));  // above before: not a crossing
  CHECK_FALSE(holds(69, 10));
  lead.Set("lifecycle", ChoiceValue("customer"));
  CHECK_FALSE(holds(80, 10));
  p.score = "-3";
  CHECK_THAT(RuleTemplate("qualified-lead", p, dir).status().message(), Catch::Contains("score:"));
}
