// Runs the functions predeploy commands of <project>/firebase.json through firebase-tools' OWN lifecycle-hook code
// (the code `firebase deploy` uses: same shell wrapper, same PROJECT_DIR / RESOURCE_DIR variables), without
// deploying anything. Usage: node predeploy_hook_runner.js <tools/node_modules> <project dir> [functions|hosting].
// Exit 1 on failure.
'use strict';
const fs = require('fs');
const path = require('path');

const [toolsModules, projectDir, target = 'functions'] = process.argv.slice(2);
const {Config} = require(path.join(toolsModules, 'firebase-tools', 'lib', 'config'));
const {lifecycleHooks} = require(path.join(toolsModules, 'firebase-tools', 'lib', 'deploy', 'lifecycleHooks'));

const raw = JSON.parse(fs.readFileSync(path.join(projectDir, 'firebase.json'), 'utf8'));
const config = new Config(raw, {projectDir, cwd: projectDir});
const options = {config, projectRoot: projectDir, projectId: 'demo-badgeforge', only: target};
lifecycleHooks(target, 'predeploy')({}, options).then(
  () => console.log('PREDEPLOY OK'),
  (err) => {
    console.error(`PREDEPLOY FAILED: ${err.message}`);
    process.exit(1);
  },
);
