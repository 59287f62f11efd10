// V8's worker threads (the JIT compiler, the garbage collector's helpers) at
// SCHED_IDLE, so that they seldom hold a CPU that the main thread or a libuv
// thread has been woken for (for a commit's socket data or disk I/O).
//
// Measured on a 2-vCPU machine (bench/netconf.ts, 500 edit-config+commit
// pairs): a woken libuv or main thread queued behind a compile job on one
// CPU for up to a tick (4 ms) while the other CPU was idle. A normal thread
// waking on a CPU that runs a SCHED_IDLE one is marked to preempt it, and a
// CPU running only SCHED_IDLE threads counts as idle when the kernel places
// a woken thread. With lazy preemption the marked CPU gets no interrupt,
// so the idle thread still runs until the CPU's next one, at worst the tick
// (src/daemon/threads.ts has the figures).
//
// Node cannot name these threads to JavaScript nor run code on them, so
// tasks are posted to the platform's worker pool: each sets its own thread
// (sched_setscheduler with pid 0 is the calling thread on Linux) and waits
// until the others have taken theirs, so that no thread takes two. Node's
// NumberOfWorkerThreads() counts its delayed-task thread too, which runs no
// tasks: the rendezvous is for one thread fewer, and a thread that takes a
// second task (the spare one) returns at once.
#include <node.h>
#include <node_api.h>
#include <v8-platform.h>

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>

namespace {

struct Rendezvous {
  std::mutex m;
  std::condition_variable cv;
  int expected = 0;
  std::set<pid_t> threads;  // those set so far
};

class IdleTask final : public v8::Task {
 public:
  explicit IdleTask(std::shared_ptr<Rendezvous> r) : r_(std::move(r)) {}
  void Run() override {
    pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
    std::unique_lock<std::mutex> lock(r_->m);
    if (!r_->threads.insert(tid).second) return;  // this thread is set already
    struct sched_param p = {};
    sched_setscheduler(0, SCHED_IDLE, &p);  // lowering one's own policy needs no privilege
    r_->cv.notify_all();
    // a worker busy with a long job takes its task later; never hold the others for more than 1 s
    r_->cv.wait_for(lock, std::chrono::seconds(1), [this] { return static_cast<int>(r_->threads.size()) >= r_->expected; });
  }

 private:
  std::shared_ptr<Rendezvous> r_;
};

}  // namespace

// idleBackgroundThreads(): the number of V8 worker threads asked to go SCHED_IDLE (they do so
// as they take their task, within milliseconds).
extern "C" napi_value idle_background_threads(napi_env env, napi_callback_info info) {
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  node::Environment *nodeEnv = isolate ? node::GetCurrentEnvironment(isolate->GetCurrentContext()) : nullptr;
  node::MultiIsolatePlatform *platform = nodeEnv ? node::GetMultiIsolatePlatform(nodeEnv) : nullptr;
  int n = 0;
  if (platform) {
    n = platform->NumberOfWorkerThreads();
    auto r = std::make_shared<Rendezvous>();
    r->expected = n > 1 ? n - 1 : 1;
    for (int i = 0; i < n; i++) platform->CallOnWorkerThread(std::make_unique<IdleTask>(r));
  }
  napi_value res;
  napi_create_int32(env, n, &res);
  return res;
}
