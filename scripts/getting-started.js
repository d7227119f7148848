'use strict';
// The "Getting started" tab `npm start` deploys on a first start: this
// machine's interface address feeding a DynDNS2 updater that talks to the
// local sandbox (scripts/dev-sandbox.js), and a dry-run updater for a real
// provider that shows what it would send without sending anything. Nothing
// leaves the machine.
const os = require('node:os');

/** The first interface with an IPv4 address that is not loopback, else lo. */
function demoInterface() {
  for (const [name, addresses] of Object.entries(os.networkInterfaces())) {
    if ((addresses || []).some((a) => a.family === 'IPv4' && !a.internal)) return name;
  }
  return 'lo';
}

function gettingStartedFlow({ sandboxUrl, iface = demoInterface() }) {
  const tab = 'ddns0000getstart';
  return [
    { id: tab, type: 'tab', label: 'Getting started', disabled: false, info: 'Deployed by `npm start` on its first start. Delete the tab when you no longer need it.' },
    {
      id: 'ddns0000comment1',
      type: 'comment',
      z: tab,
      name: 'Getting started: this machine\'s address kept in DNS (offline, local sandbox)',
      info: [
        `The **ip source** node reads the IPv4 address of \`${iface}\` every minute and the moment it changes (\`watch\`).`,
        'Its scope is *any* so a LAN address counts here; for a real record set scope to *public* and use an HTTPS or DNS origin (the dialog\'s "Add a well-known origin…" menu).',
        '',
        '**home.example.test** is kept by the DynDNS2 sandbox that `npm start` runs on 127.0.0.1 (user `demo`, password `demo`): its records are in the DDNS tab of the sidebar (*View → DDNS records*).',
        '',
        '**No-IP (dry run)** shows what it would send to a real provider, and sends nothing.',
        '',
        'To go live: open *No-IP (dry run)*, pick your provider in its account (presets for No-IP, Dynu, Dyn, OVH, …), enter your login, clear **Dry run**, Deploy, and watch its records turn *in sync* in *View → DDNS records*.',
      ].join('\n'),
      x: 330,
      y: 40,
      wires: [],
    },
    {
      id: 'ddns0000ipsource',
      type: 'ip-source',
      z: tab,
      name: `this machine (${iface})`,
      origin: `iface://${iface}`,
      family: 'ipv4',
      agree: 1,
      bind: '',
      pattern: '',
      group: -1,
      scope: 'any',
      interval: 60,
      watch: true,
      emit: 'change',
      timeout: 10,
      suffix: '',
      prefixLength: 64,
      x: 150,
      y: 120,
      wires: [['ddns0000sandbox1', 'ddns0000dryrun01']],
    },
    {
      id: 'ddns0000sandbox1',
      type: 'dyndns2-update',
      z: tab,
      name: 'sandbox: home.example.test',
      account: 'ddns0000sbaccnt1',
      hostnames: 'home.example.test',
      hostnamesType: 'str',
      // the sandbox publishes nowhere: no name server could confirm it (a real record keeps verify: auto)
      verify: 'off',
      wildcard: '',
      mx: '',
      backmx: '',
      offline: '',
      retries: 3,
      refresh: 25,
      dryRun: false,
      x: 430,
      y: 100,
      wires: [['ddns0000debug001']],
    },
    {
      id: 'ddns0000dryrun01',
      type: 'dyndns2-update',
      z: tab,
      name: 'No-IP (dry run)',
      account: 'ddns0000noipacct',
      hostnames: 'yourhost.ddns.net',
      hostnamesType: 'str',
      wildcard: '',
      mx: '',
      backmx: '',
      offline: '',
      retries: 3,
      refresh: 25,
      dryRun: true,
      x: 410,
      y: 160,
      wires: [['ddns0000debug001']],
    },
    { id: 'ddns0000debug001', type: 'debug', z: tab, name: 'result', active: true, tosidebar: true, console: false, tostatus: false, complete: 'ddns', targetType: 'msg', x: 660, y: 120, wires: [] },
    { id: 'ddns0000sbaccnt1', type: 'dyndns2-account', name: 'local sandbox', server: `${sandboxUrl}/nic/update`, preset: '', dualStack: 'combined', tls: '' },
    { id: 'ddns0000noipacct', type: 'dyndns2-account', name: 'No-IP (enter your login)', server: 'https://dynupdate.no-ip.com/nic/update', preset: 'noip', dualStack: 'combined', tls: '' },
  ];
}

/** The credentials deployed with the flow: the sandbox's, and placeholders for the dry run (never sent). */
const gettingStartedCredentials = {
  ddns0000sbaccnt1: { username: 'demo', password: 'demo' },
  ddns0000noipacct: { username: 'you@example.com', password: 'your-password' },
};

module.exports = { gettingStartedFlow, gettingStartedCredentials, demoInterface };
