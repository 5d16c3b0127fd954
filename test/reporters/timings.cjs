// A Mocha reporter: the spec reporter's output, plus each test file's wall time (its hooks included), written as JSON
// to the file CONSORTIA_TEST_TIMINGS names, slowest first. It shows where CI's time goes: `CONSORTIA_TEST_TIMINGS=
// /tmp/timings.json npm test` (hardhat.config.ts selects this reporter when the variable is set).
const Mocha = require("mocha");
const { writeFileSync } = require("node:fs");
const { relative } = require("node:path");

const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_RUN_END } = Mocha.Runner.constants;

class TimingsReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const started = new Map();
    const seconds = new Map();
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (suite.parent !== undefined && suite.parent.root) started.set(suite, Date.now());
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      const at = started.get(suite);
      if (at === undefined) return;
      const file = suite.file === undefined ? suite.title : relative(process.cwd(), suite.file);
      seconds.set(file, (seconds.get(file) ?? 0) + (Date.now() - at) / 1000);
    });
    runner.once(EVENT_RUN_END, () => {
      const rows = [...seconds].sort((a, b) => b[1] - a[1]).map(([file, s]) => ({ file, seconds: Math.round(s) }));
      const total = rows.reduce((sum, row) => sum + row.seconds, 0);
      writeFileSync(process.env.CONSORTIA_TEST_TIMINGS, JSON.stringify({ total, files: rows }, null, 1) + "\n");
    });
  }
}

module.exports = TimingsReporter;
