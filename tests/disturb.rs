//! The loop keeps its promises when a run is disturbed: real runs of `specctl reconcile`
//! killed (`kill -9` at a random moment), signalled and cut off, then resumed, with
//! scripted agents that cheat, read-modify-write slowly, or fix. Every promise is checked
//! by value: exit codes, the protected file, processes left (through /proc), the store, the
//! user's files. `SPECCTL_DISTURB_TRIALS` sets how many random kills (CI runs a few).

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::greeting::{AGENT, EVIDENCE, Greeting, git, greeting, tier};

const NOTES: &str = "the user's own uncommitted work\n";

/// `specctl reconcile` in `g`, every process of it carrying `mark` in its environment.
fn reconcile(g: &Greeting, mark: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_specctl"));
    cmd.arg("reconcile")
        .current_dir(g.path())
        .env("AGENT_LOG", g.log.path())
        .env("NO_COLOR", "1")
        .env("SPECCTL_DISTURB_MARK", mark);
    cmd
}

fn spawn(g: &Greeting, mark: &str) -> Child {
    reconcile(g, mark)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The pids of live processes whose environment carries `mark`: what a run left running.
fn left_running(mark: &str) -> Vec<String> {
    let needle = format!("SPECCTL_DISTURB_MARK={mark}");
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|pid| pid.bytes().all(|b| b.is_ascii_digit()) && *pid != me)
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes()))
                && support::alive(pid)
        })
        .collect()
}

fn resume(g: &Greeting, mark: &str) -> support::Run {
    support::Run::from(reconcile(g, mark).output().unwrap())
}

/// A cheater first (it guts the evidence on turn 1, then thinks), a fixer after it.
fn cheating_project() -> Greeting {
    let agents = format!(
        "{}{}",
        tier("cheater", "cheat-at 1 3"),
        tier("fixer", "rmw src/greeting hello 0.2")
    );
    let g = greeting(&agents, "  stall_turns: 1\n  max_turns: 2\n", true);
    std::fs::write(g.path().join("notes.txt"), NOTES).unwrap();
    // A tracked file with the user's uncommitted change in it, beside the untracked notes.
    std::fs::write(g.path().join("tracked.txt"), "as committed\n").unwrap();
    git(g.path(), &["add", "tracked.txt"]);
    git(g.path(), &["commit", "-q", "-m", "tracked"]);
    std::fs::write(g.path().join("tracked.txt"), TRACKED).unwrap();
    g
}

const TRACKED: &str = "as committed, and changed by the user since\n";

/// The user's own files, untracked and tracked, as they left them.
fn users_files_intact(g: &Greeting) -> bool {
    g.read("notes.txt") == NOTES && g.read("tracked.txt") == TRACKED
}

fn kill9(child: &mut Child) {
    // SAFETY: kill(2) on a child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    child.wait().unwrap();
}

fn scratch_of(pid: u32) -> Vec<std::path::PathBuf> {
    let base = std::env::temp_dir().join(format!("specctl-{}", unsafe { libc::getuid() }));
    std::fs::read_dir(&base)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(&format!("run-{pid}-")))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_cheating_turn_cut_off_by_kill_9_is_gated_on_resume_and_its_agent_ended() {
    let g = cheating_project();
    let mark = g.path().display().to_string();
    let mut run = spawn(&g, &mark);
    let cheated = g.log.path().join("cheated");
    assert!(
        support::wait_for(Duration::from_secs(20), || cheated.exists()),
        "the cheater never ran"
    );
    let cheater = std::fs::read_to_string(&cheated).unwrap();
    let killed = run.id();
    assert!(
        !scratch_of(killed).is_empty(),
        "the run keeps its scratch under specctl's folder"
    );
    kill9(&mut run);
    assert!(
        support::alive(&cheater),
        "kill -9 of specctl leaves its agent running"
    );
    assert_ne!(
        g.read("evidence/run.sh"),
        EVIDENCE,
        "the evidence is gutted"
    );

    let out = resume(&g, &mark);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        !support::alive(&cheater),
        "the resume ended the killed run's agent"
    );
    assert!(
        out.stdout
            .contains("note: ended 1 process group a killed run left running"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("gate: undid edits to protected files: evidence/run.sh"),
        "{}",
        out.stdout
    );
    assert_eq!(
        g.read("evidence/run.sh"),
        EVIDENCE,
        "the gutted evidence was put back"
    );
    assert_eq!(
        g.read("src/greeting"),
        "hello\n",
        "the fixer fixed it for real"
    );
    assert!(
        users_files_intact(&g),
        "the user's files are as they left them"
    );
    assert_eq!(g.run(&["check"]).code, 0, "converged means check passes");
    assert_eq!(left_running(&mark), Vec::<String>::new());
    assert_eq!(
        scratch_of(killed),
        Vec::<std::path::PathBuf>::new(),
        "the killed run's scratch was swept"
    );
    // The cut-off turn was gated: its findings are in the store, and the next prompt has them.
    let log = g.run(&["log", "--turn", "1"]).stdout;
    assert!(
        log.contains("your edits to protected files were undone: evidence/run.sh"),
        "{log}"
    );
    assert!(
        g.prompt(2)
            .contains("your edits to protected files were undone: evidence/run.sh")
    );
}

#[test]
fn a_rollback_puts_back_only_what_the_turn_changed_and_names_it() {
    // The evidence keeps a log of its own runs beside the code: written after the agent's
    // turn, it is no edit of the turn's, so a rollback leaves it be.
    let agents = tier("breaker", "write src/farewell ciao");
    let g = greeting(&agents, "  stall_turns: 1\n  max_turns: 1\n", true);
    let evidence = EVIDENCE.replacen(
        "#!/bin/sh\n",
        "#!/bin/sh\necho observed >> evidence.log\n",
        1,
    );
    std::fs::write(g.path().join("evidence/run.sh"), evidence).unwrap();
    let out = g.run(&["reconcile"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "gate: turn 1 broke specs/greet.feature::Say bye: rolled back src/farewell; its version is kept: `git checkout refs/specctl/session-1/turn-1/after -- PATH` brings one back"
        ),
        "{}",
        out.stdout
    );
    assert_eq!(g.read("src/farewell"), "bye\n");
    assert_eq!(
        g.read("evidence.log").lines().count(),
        3,
        "every run's line kept"
    );
    let kept = Command::new("git")
        .args(["show", "refs/specctl/session-1/turn-1/after:src/farewell"])
        .current_dir(g.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&kept.stdout),
        "ciao\n",
        "the turn's version is there"
    );
}

/// A run of `agents` within `wall_time` that its agent kills, then the resume (which must
/// stop with exit 1).
fn killed_by_its_agent_then_resumed(agents: &str, wall_time: &str) -> support::Run {
    let reconcile = format!("  stall_turns: 5\n  max_turns: 5\n  wall_time: {wall_time}\n");
    let g = greeting(agents, &reconcile, true);
    let first = g.run(&["reconcile"]);
    assert_eq!(
        first.code, -1,
        "killed by its agent: {}\n{}",
        first.stdout, first.stderr
    );
    let out = g.run(&["reconcile"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    out
}

#[test]
fn the_wall_time_counts_across_resumes() {
    // Turn 1 thinks for longer than the whole wall time; turn 2 is cut off by kill -9.
    let marker = tempfile::tempdir().unwrap();
    let agent = format!(
        "  - name: slow\n    run: if [ \"$SPECCTL_TURN\" = 2 ]; then {AGENT} kill-specctl-once {m}; else sleep 1.6; {AGENT} noop; fi\n    timeout: 10s\n",
        m = marker.path().join("killed").display()
    );
    // 3 s of wall time: turn 1 (1.6 s) leaves room for turn 2, which is cut off; the resume
    // counts turn 1's time, so its turn 3 (1.6 s more) is the last. A resume that forgot the
    // time spent would have room for a fourth.
    let out = killed_by_its_agent_then_resumed(&agent, "3s");
    assert!(
        out.stdout
            .contains("stopped after 3 turns ($0.0000 reported): the wall time of 3s ran out"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_wall_time_counts_while_the_agent_works_even_when_specctl_is_killed() {
    // The agent works for 3.2 s of a 2 s wall time, then kills specctl: the time it worked
    // was written down as it went, so the resume has none left.
    let marker = tempfile::tempdir().unwrap();
    let agent = format!(
        "  - name: slow\n    run: sleep 3.2; {AGENT} kill-specctl-once {m}\n    timeout: 10s\n",
        m = marker.path().join("killed").display()
    );
    let out = killed_by_its_agent_then_resumed(&agent, "2s");
    assert!(
        out.stdout
            .contains("stopped after 1 turn ($0.0000 reported): the wall time of 2s ran out"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_red_turn_that_edits_the_code_has_that_edit_undone() {
    let red = format!(
        "write evidence/extra.sh 'echo \"<testcase classname=\\\"Greeting\\\" name=\\\"Say welcome\\\"><failure message=\\\"no welcome yet\\\"/></testcase>\"' && {AGENT} write src/greeting hello"
    );
    let g = greeting(
        &tier("eager", &red),
        "  stall_turns: 1\n  max_turns: 1\n",
        true,
    );
    std::fs::write(
        g.path().join("specs/greet.feature"),
        format!(
            "{}\n  Scenario: Say welcome\n    Then the welcome is \"welcome\"\n",
            support::greeting::FEATURE
        ),
    )
    .unwrap();
    let out = g.run(&["reconcile"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("gate: undid edits to protected files: src/greeting"),
        "{}",
        out.stdout
    );
    assert_eq!(g.read("src/greeting"), "hi\n", "RED writes evidence only");
    assert!(
        g.read("evidence/extra.sh").contains("Say welcome"),
        "its evidence stays"
    );
}

#[test]
fn random_kill_9_trials_resume_without_a_false_converged_a_survivor_or_a_lost_file() {
    let trials: usize = std::env::var("SPECCTL_DISTURB_TRIALS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let mut seed = std::process::id() as u64 ^ 0x9e37_79b9_7f4a_7c15;
    let (mut converged, mut false_converged, mut left, mut lost) = (0, 0, 0, 0);
    for trial in 0..trials {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = Duration::from_millis(seed % 1500);
        let g = cheating_project();
        let mark = g.path().display().to_string();
        let mut run = spawn(&g, &mark);
        std::thread::sleep(at); // the disturbance itself: a kill at a random moment
        kill9(&mut run);
        let out = resume(&g, &mark);
        let holds = g.run(&["check"]).code == 0 && g.read("evidence/run.sh") == EVIDENCE;
        converged += usize::from(out.code == 0);
        false_converged += usize::from(out.code == 0 && !holds);
        left += left_running(&mark).len();
        lost += usize::from(!users_files_intact(&g));
        let status = g.run(&["status", "--format", "json"]);
        assert_ne!(
            status.code, 2,
            "trial {trial} at {at:?}: the store is unreadable: {}",
            status.stderr
        );
        assert_eq!(
            out.code, 0,
            "trial {trial} at {at:?}: {}\n{}",
            out.stdout, out.stderr
        );
    }
    eprintln!(
        "{trials} random kill -9 trials: {converged} resumes converged, {false_converged} false converged, {left} processes left running, {lost} user files lost"
    );
    assert_eq!((converged, false_converged, left, lost), (trials, 0, 0, 0));
}

#[test]
fn sigterm_ends_the_agent_records_the_turn_and_exits_130() {
    let g = cheating_project();
    let mark = g.path().display().to_string();
    let mut run = spawn(&g, &mark);
    let cheated = g.log.path().join("cheated");
    assert!(support::wait_for(Duration::from_secs(20), || cheated.exists()));
    // SAFETY: kill(2) on a child this test started.
    unsafe { libc::kill(run.id() as i32, libc::SIGTERM) };
    assert_eq!(run.wait().unwrap().code(), Some(130));
    assert_eq!(left_running(&mark), Vec::<String>::new());
    let resumed = resume(&g, &mark);
    assert_eq!(resumed.code, 0, "{}\n{}", resumed.stdout, resumed.stderr);
    assert_eq!(g.read("evidence/run.sh"), EVIDENCE);
}

/// Whether the cases that need root (a tmpfs, another user) can run. Where they cannot, they
/// say so; with `SPECCTL_REQUIRE_ROOT_CASES=1` (which `.ci/run` sets) that is a failure.
fn privileged(case: &str) -> bool {
    // SAFETY: geteuid(2) cannot fail.
    let root = unsafe { libc::geteuid() == 0 };
    if !root {
        assert!(
            std::env::var_os("SPECCTL_REQUIRE_ROOT_CASES").is_none(),
            "{case} needs root, and SPECCTL_REQUIRE_ROOT_CASES is set"
        );
        eprintln!("skipped: {case} needs root");
    }
    root
}

/// A tmpfs of its own for the disk tests, unmounted when dropped.
struct Mount(std::path::PathBuf);

impl Mount {
    fn new(size: &str) -> Option<Mount> {
        let dir = std::env::temp_dir().join(format!("specctl-disk-{}-{size}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "none"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Mount(dir))
    }

    fn remount(&self, how: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{how}")])
            .arg(&self.0)
            .status()
            .unwrap()
            .success();
        assert!(ok, "remount {how}");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

fn specctl_in(dir: &Path, args: &[&str]) -> support::Run {
    let out = Command::new(env!("CARGO_BIN_EXE_specctl"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    support::Run::from(out)
}

fn aspect_project(dir: &Path) {
    std::fs::create_dir_all(dir.join("aspects")).unwrap();
    std::fs::write(
        dir.join("aspects/ok.md"),
        "---\nname: ok\nevidence: \"true\"\n---\nIt holds.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("aspects/bad.md"),
        "---\nname: bad\nevidence: \"false\"\n---\nIt does not.\n",
    )
    .unwrap();
}

#[test]
fn a_read_only_or_full_disk_is_told_apart_and_read_only_commands_still_work() {
    if !privileged("the read-only and full-disk cases (they mount a tmpfs)") {
        return;
    }
    let disk = Mount::new("2m").expect("root can mount a tmpfs");
    let root = disk.0.join("project");
    aspect_project(&root);
    assert_eq!(specctl_in(&root, &["check"]).code, 1);

    disk.remount("ro");
    let status = specctl_in(&root, &["status", "--format", "json"]);
    assert_eq!(
        status.code, 1,
        "status reads a read-only store: {}",
        status.stderr
    );
    assert_eq!(
        support::statuses(&status.json()),
        support::expect(&[("aspect:bad", "fail"), ("aspect:ok", "pass")])
    );
    let check = specctl_in(&root, &["check"]);
    assert_eq!(check.code, 1, "check still observes: {}", check.stderr);
    assert!(
        check.stderr.contains("cannot be written")
            && check.stderr.contains("make .specctl/ writable"),
        "{}",
        check.stderr
    );
    assert!(!check.stderr.contains("remove it"), "{}", check.stderr);

    disk.remount("rw");
    std::fs::write(root.join("filler"), vec![0u8; 4 << 20]).ok();
    let full = specctl_in(&root, &["check"]);
    assert_eq!(full.code, 1, "{}", full.stderr);
    assert!(full.stderr.contains("the disk is full"), "{}", full.stderr);
    assert!(!full.stderr.contains("remove it"), "{}", full.stderr);
}

#[test]
fn a_file_git_cannot_read_stops_the_run_before_the_agent_with_gits_own_words() {
    if !privileged("the unreadable-file case (it runs specctl as `nobody`)") {
        return;
    }
    let g = greeting(
        &tier("fixer", "write src/greeting hello"),
        "  stall_turns: 1\n  max_turns: 1\n",
        true,
    );
    std::fs::write(g.path().join("private.txt"), "only root reads this\n").unwrap();
    // as_nobody makes the project theirs, then this one file is root's alone again.
    let private = g.path().join("private.txt");
    let out = as_nobody_except(&g, &private, &["reconcile"]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("error: git failed to stage the working tree")
            && out.stderr.contains("private.txt")
            && out.stderr.contains("nothing it did is believed"),
        "{}",
        out.stderr
    );
    assert_eq!(g.read("src/greeting"), "hi\n", "no agent ran unguarded");
}

/// Runs specctl as `nobody` in `g` (made theirs), with a home and a temp folder of their own.
fn as_nobody(g: &Greeting, args: &[&str]) -> support::Run {
    as_nobody_except(g, Path::new(""), args)
}

/// As `as_nobody`, with `private` (when it exists) left root's own and unreadable to others.
fn as_nobody_except(g: &Greeting, private: &Path, args: &[&str]) -> support::Run {
    let chown = |args: &[&str]| Command::new("chown").args(args).status().unwrap().success();
    assert!(chown(&[
        "-R",
        "65534:65534",
        &g.path().display().to_string()
    ]));
    if private.is_file() {
        assert!(chown(&["root:root", &private.display().to_string()]));
        let mode = std::os::unix::fs::PermissionsExt::from_mode(0o600);
        std::fs::set_permissions(private, mode).unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    assert!(chown(&["65534:65534", &home.path().display().to_string()]));
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_specctl"))
        .args(args)
        .current_dir(g.path())
        .env("HOME", home.path())
        .env("TMPDIR", home.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    support::Run::from(out)
}

#[test]
fn an_agent_that_guts_the_evidence_and_breaks_the_snapshot_keeps_nothing_protected() {
    if !privileged("the unsnapshottable-turn case (it runs specctl as `nobody`)") {
        return;
    }
    // The agent guts the test, then leaves a file no one may read, so git cannot record the
    // tree it left: its changes cannot be told, and every protected file goes back.
    let cheat = "write evidence/run.sh 'exit 0' && printf x > unreadable && chmod 000 unreadable";
    let g = greeting(
        &tier("cheat", cheat),
        "  stall_turns: 1\n  max_turns: 1\n",
        true,
    );
    let out = as_nobody(&g, &["reconcile"]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.lines().any(|l| l
            .starts_with("  gate: the tree the turn left cannot be snapshotted: put ")
            && l.ends_with(" protected files back as they were before it")),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("error: git failed to stage the working tree")
            && out.stderr.contains("unreadable"),
        "{}",
        out.stderr
    );
    assert_eq!(
        g.read("evidence/run.sh"),
        EVIDENCE,
        "the gutted test went back"
    );
}
