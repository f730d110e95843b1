// Preloaded into yaml-language-server for the benchmark only (node -r): its 200 ms validation
// delay is a constant, not a setting, so it is set to 0 here, as Flourish's debounce is through
// initializationOptions. Both servers then validate from a zero-delay timer.
const settings = require('yaml-language-server/out/server/src/yamlSettings');

const Original = settings.SettingsState;
settings.SettingsState = class extends Original {
  constructor(...args) {
    super(...args);
    this.validationDelayMs = 0;
    process.stderr.write('flourish-bench: yaml-language-server validation delay set to 0 ms\n');
  }
};
