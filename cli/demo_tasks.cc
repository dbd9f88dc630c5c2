// The demo's tasks: follow-ups created by reps and managers; most are done around their due
// date, some are moved, dropped or forgotten; a closed deal's open tasks are cancelled.
#include "cli/demo_generator_internal.h"
#include "domain/money.h"
#include "domain/value.h"

namespace rapport::cli::demo {

Status Simulation::NewTask(int actor, int assignee, std::string title, std::unique_ptr<fb::LinksT> links, Micros due,
                           int deal) {
  Task t;
  t.id = NextId("TSK", &n_tasks_);
  t.assignee = assignee;
  fb::CreateTaskT c;
  c.task_id = t.id;
  c.title = std::move(title);
  c.due_us = due;
  c.assignee_id = users_[assignee].id;
  c.priority = Chance(0.2) ? fb::Priority::High : fb::Priority::Normal;
  c.links = std::move(links);
  RAPPORT_RETURN_IF_ERROR(Exec(actor, std::move(c)));
  int index = static_cast<int>(tasks_.size());
  tasks_.push_back(std::move(t));
  if (deal >= 0) deals_[static_cast<size_t>(deal)].tasks.push_back(index);
  // Most tasks get done around their due date; some are moved, dropped or forgotten.
  double u = Uniform();
  int fate = u < 0.80 ? 0 : u < 0.88 ? 1 : u < 0.94 ? 2 : 3;
  return TaskFate(index, fate, due);
}

Status Simulation::TaskFate(int index, int fate, Micros due) {
  auto when = [&](double early, double late) {
    return Working(std::max(now_ + 10 * kMinute,
                            due + static_cast<Micros>(Uniform(-early, late) * static_cast<double>(kMicrosPerDay))));
  };
  switch (fate) {
    case 0:  // done
      At(when(2, 1.5), [this, index] {
        Task& t = tasks_[static_cast<size_t>(index)];
        if (!t.open) return Status::Ok();
        fb::CompleteTaskT c;
        c.task_id = t.id;
        RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(c)));
        t.open = false;
        return Status::Ok();
      });
      return Status::Ok();
    case 1:  // moved, then done or forgotten
      At(when(1, 0.5), [this, index, due] {
        Task& t = tasks_[static_cast<size_t>(index)];
        if (!t.open) return Status::Ok();
        Micros next = WorkTime(DayOf(std::max(due, now_)) + static_cast<int32_t>(Between(2, 10)));
        fb::RescheduleTaskT r;
        r.task_id = t.id;
        r.due_us = next;
        RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(r)));
        return TaskFate(index, Chance(0.9) ? 0 : 3, next);
      });
      return Status::Ok();
    case 2:  // no longer needed
      At(when(0, 5), [this, index] { return CancelTask(index, "no longer needed"); });
      return Status::Ok();
    default:  // forgotten: overdue until a clean-up, or for good
      if (Chance(0.5)) At(when(-20, 90), [this, index] { return CancelTask(index, "old task, cleaned up"); });
      return Status::Ok();
  }
}

Status Simulation::CancelTask(int index, const std::string& reason) {
  Task& t = tasks_[static_cast<size_t>(index)];
  if (!t.open) return Status::Ok();
  fb::CancelTaskT c;
  c.task_id = t.id;
  c.reason = reason;
  RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(c)));
  t.open = false;
  return Status::Ok();
}

// A closed deal's open follow-ups are dropped.
Status Simulation::CloseDealTasks(int deal, const std::string& reason) {
  for (int task : deals_[static_cast<size_t>(deal)].tasks) RAPPORT_RETURN_IF_ERROR(CancelTask(task, reason));
  return Status::Ok();
}

}  // namespace rapport::cli::demo
