'use strict';
// Build step: for every provider in the registry (dist/providers/registry.js),
// the files Node-RED loads for its pair of nodes, generated from its
// descriptor so that a provider is one folder under src/providers/:
//   dist/nodes/<kind>.js                    registers <kind>-account and <kind>-ddns
//   dist/nodes/<kind>.html                  the dialogs, on the editor toolkit
//   dist/nodes/locales/<lang>/<kind>.json   labels, en-US and zh-CN
//   dist/nodes/locales/<lang>/<kind>.html   the sidebar help
// and resources/ddns-rules.js: the editor's checks for names and URLs, from
// the runtime's own rules (src/core/names.ts, src/core/validate.ts), so a
// dialog accepts what the runtime accepts.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const { PROVIDER_KINDS, providerDescriptor } = require(path.join(dist, 'providers', 'registry.js'));
const PROVIDERS = PROVIDER_KINDS.map((kind) => providerDescriptor(kind));
const { NAME_RULE_SOURCES } = require(path.join(dist, 'core', 'names.js'));
const { URL_RULE_SOURCES } = require(path.join(dist, 'core', 'validate.js'));
const { VERIFY_RULE_SOURCES } = require(path.join(dist, 'sources', 'authoritative.js'));
const LANGS = ['en-US', 'zh-CN'];

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// ------------------------------------------------------------------ shared texts
/** Why a URL is refused, in plain words (the codes of DdnsRules.urlProblem); the hand-written dialogs' catalogs say the same. */
const URL_ERRORS = {
  'en-US': {
    empty: 'Write the address, e.g. https://api.example.com',
    spaces: 'The address must not contain spaces.',
    scheme: 'Write https://… (or http:// for a server on your LAN).',
    protocol: 'The address must start with https:// or http://.',
    invalid: 'This is not a web address such as https://api.example.com',
    host: 'There is no server name after https://',
    login: 'Do not put a user name or password in the address: they go in the fields above.',
    query: 'Leave out the part from ? or # on.',
  },
  'zh-CN': {
    empty: '请填写地址，例如 https://api.example.com',
    spaces: '地址中不能有空格。',
    scheme: '请写成 https://…（局域网内的服务器可用 http://）。',
    protocol: '地址须以 https:// 或 http:// 开头。',
    invalid: '这不是有效的网址，例如 https://api.example.com',
    host: 'https:// 之后缺少服务器名称。',
    login: '不要在地址中写用户名或密码：它们填在上面的字段中。',
    query: '请去掉 ? 或 # 及其后的部分。',
  },
};

const COMMON = {
  'en-US': {
    name: 'Name',
    account: 'Account',
    endpoint: 'Endpoint',
    tls: 'TLS',
    zone: 'Zone',
    hostnames: 'Host names',
    recordType: 'Record type',
    auto: 'auto (A for IPv4, AAAA for IPv6)',
    ttl: 'TTL',
    ttlHint: 'seconds; empty = the provider\'s default',
    dryRun: 'Dry run: read, never write',
    more: 'More settings',
    changed: 'changed: __names__',
    ttlDefault: 'the provider\'s default',
    verify: 'Verify at',
    verifyHint: 'auto: the zone\'s name servers; off; or servers such as ns1.example.net, 192.0.2.53:5353',
    verifyTimeout: 'Verify for',
    verifyTimeoutHint: 'seconds after a write',
    verifyAfter: 'Recheck',
    verifyAfterHint: 'minutes, for an unchanged record',
    verifyHelp: 'where each written record is checked: <code>auto</code> (or empty) asks the zone\'s authoritative name servers, found through the system resolver; <code>off</code> checks nothing; or name servers <code>host[:port]</code>, separated by commas or spaces (a hidden primary, a split horizon). A node from an older flow takes <code>ddns.verify</code> from settings.js.',
    verifyTimeoutHelp: 'seconds to keep asking the name servers after a write (1–3600, default 120); one still not serving the value then is reported (<code>ENOTSERVED</code>).',
    verifyAfterHelp: 'minutes between checks of an unchanged record (0.01–1440, fractions allowed, default 10): one name server is asked whether the record still holds the value.',
    servedBy: 'Served by',
    servedByText: 'After a write the node asks the zone\'s authoritative name servers directly, without recursion, until they serve the new value; the status says how many of them do, e.g. <code>in sync: 203.0.113.7, served by 2 of 2 name servers</code>, and <code>msg.ddns.results[i].verified</code> is <code>{seen, of, servers}</code>. A record changed outside the node is written again (<code>restored: true</code>). A dry run checks nothing. See <code>docs/verify.md</code>.',
    urlErrors: URL_ERRORS['en-US'],
    helpAccount: 'The account used by the <code>%s-ddns</code> nodes. Its credentials are kept in Node-RED\'s encrypted credential store and masked in every text the nodes show.',
    endpointHelp: 'the API address; the default is the provider\'s own. <code>http://</code> only for a stand-in on your LAN.',
    tlsHelp: 'a <code>tls-config</code> node for a private CA; certificate checks are never switched off.',
    zoneHelp: 'the zone the names are in, e.g. <code>example.com</code>. Empty: <code>msg.zone</code>.',
    zoneIdHelp: 'The zone\'s own id, as the provider\'s console shows it, is taken too.',
    hostnamesHelp: 'full names, separated by commas or spaces, e.g. <code>home.example.com</code>; <code>*</code> and <code>_</code> labels are allowed. Empty: <code>msg.hostnames</code>.',
    recordTypeHelp: '<code>auto</code> writes A for an IPv4 and AAAA for an IPv6 address (both for <code>{ipv4, ipv6}</code>); <code>A</code> or <code>AAAA</code> takes that family alone.',
    ttlHelp: 'the record\'s TTL in seconds; empty keeps the provider\'s default (and an existing record\'s own TTL).',
    dryRunHelp: 'read the records and tell what would be written, but send no write.',
    inputs: 'Inputs',
    outputs: 'Outputs',
    details: 'Details',
    payloadIn: 'the address (IPv4 or IPv6), or <code>{ipv4, ipv6}</code> from a dual-stack <code>ip-source</code>.',
    payloadOut: 'a summary, e.g. <code>1 updated</code>.',
    resultsOut: 'one entry per record: <code>{name, type, status, value, previous, code, providerCode, recordId, verified, restored}</code>; status is <code>created</code>, <code>updated</code>, <code>unchanged</code>, <code>skipped</code> or <code>failed</code>.',
    errorOut: 'on failure (Catch node): <code>msg.error.code</code> is the package\'s code (EAUTH, ETHROTTLED, ...), and the message says it in words.',
    detailsText: 'An unchanged address sends no request. A refused login blocks the records until the credentials or settings change, or the block is cleared in the DDNS sidebar (View → DDNS records); a pause the provider asks for is kept (at most 7 days). See <code>docs/providers/%s.md</code>.',
  },
  'zh-CN': {
    name: '名称',
    account: '账户',
    endpoint: '接口地址',
    tls: 'TLS',
    zone: '区域',
    hostnames: '主机名',
    recordType: '记录类型',
    auto: '自动（IPv4 用 A，IPv6 用 AAAA）',
    ttl: 'TTL',
    ttlHint: '秒；留空 = 服务商默认值',
    dryRun: '演练：只读取，不写入',
    more: '更多设置',
    changed: '已更改：__names__',
    ttlDefault: '服务商默认值',
    verify: '核验服务器',
    verifyHint: 'auto：区域的名称服务器；off：不核验；或列出服务器，如 ns1.example.net、192.0.2.53:5353',
    verifyTimeout: '核验时限',
    verifyTimeoutHint: '秒（写入之后）',
    verifyAfter: '复查间隔',
    verifyAfterHint: '分钟（记录未变时）',
    verifyHelp: '在哪里核验写入的记录：<code>auto</code>（或留空）通过系统解析器找到区域的权威名称服务器并询问它们；<code>off</code> 不核验；或列出名称服务器 <code>host[:port]</code>，用逗号或空格分隔（隐藏主服务器、分离视图）。旧流程中的节点取 settings.js 中的 <code>ddns.verify</code>。',
    verifyTimeoutHelp: '写入后持续询问名称服务器的秒数（1–3600，默认 120）；届时仍未提供该值的服务器会被报告（<code>ENOTSERVED</code>）。',
    verifyAfterHelp: '未变记录两次检查之间的分钟数（0.01–1440，可带小数，默认 10）：询问一台名称服务器该记录是否仍是这个值。',
    servedBy: '由名称服务器提供',
    servedByText: '写入后，节点直接（不递归）询问区域的权威名称服务器，直到它们提供新值；状态显示其中有几台已提供，例如 <code>in sync: 203.0.113.7, served by 2 of 2 name servers</code>，<code>msg.ddns.results[i].verified</code> 为 <code>{seen, of, servers}</code>。在节点之外被改动的记录会被重新写入（<code>restored: true</code>）。演练不做核验。参见 <code>docs/verify.md</code>。',
    urlErrors: URL_ERRORS['zh-CN'],
    helpAccount: '供 <code>%s-ddns</code> 节点使用的账户。凭据保存在 Node-RED 加密的凭据存储中，并在节点显示的所有文本中被屏蔽。',
    endpointHelp: 'API 地址；默认是服务商自己的地址。<code>http://</code> 仅用于局域网内的替身服务。',
    tlsHelp: '用于私有 CA 的 <code>tls-config</code> 节点；从不关闭证书检查。',
    zoneHelp: '名称所在的区域，例如 <code>example.com</code>。留空：取 <code>msg.zone</code>。',
    zoneIdHelp: '也可填写服务商控制台显示的区域 ID。',
    hostnamesHelp: '完整名称，用逗号或空格分隔，例如 <code>home.example.com</code>；允许 <code>*</code> 与 <code>_</code> 标签。留空：取 <code>msg.hostnames</code>。',
    recordTypeHelp: '<code>auto</code>：IPv4 地址写 A 记录，IPv6 地址写 AAAA 记录（<code>{ipv4, ipv6}</code> 两者都写）；<code>A</code> 或 <code>AAAA</code>：只取该地址族。',
    ttlHelp: '记录的 TTL（秒）；留空保留服务商的默认值（以及已有记录自身的 TTL）。',
    dryRunHelp: '读取记录并说明将会写入什么，但不发送任何写入。',
    inputs: '输入',
    outputs: '输出',
    details: '详细信息',
    payloadIn: '地址（IPv4 或 IPv6），或来自双栈 <code>ip-source</code> 的 <code>{ipv4, ipv6}</code>。',
    payloadOut: '摘要，例如 <code>1 updated</code>。',
    resultsOut: '每条记录一项：<code>{name, type, status, value, previous, code, providerCode, recordId, verified, restored}</code>；status 为 <code>created</code>、<code>updated</code>、<code>unchanged</code>、<code>skipped</code> 或 <code>failed</code>。',
    errorOut: '失败时（Catch 节点）：<code>msg.error.code</code> 是本包的代码（EAUTH、ETHROTTLED 等），消息用文字说明原因。',
    detailsText: '地址未变时不发送请求。登录被拒绝会阻止这些记录，直到凭据或设置改变，或在 DDNS 侧边栏（视图 → DDNS 记录）中清除阻止；服务商要求的暂停会被遵守（最长 7 天）。参见 <code>docs/providers/%s.md</code>。',
  },
};

// ------------------------------------------------------------------ the dialogs
/** The rows of the settings every updater has for checking its records at the name servers (DdnsEditor.VERIFY_FIELDS). */
function verifyRows(key) {
  return [
    `    <div class="form-row"><label for="node-input-verify"><i class="fa fa-check-circle-o"></i> <span data-i18n="${key}.label.verify"></span></label><input type="text" id="node-input-verify" style="width:70%" placeholder="auto"><div class="form-tips ddns-field-note" data-i18n="${key}.label.verifyHint"></div></div>`,
    `    <div class="form-row"><label for="node-input-verifyTimeout"><i class="fa fa-hourglass-half"></i> <span data-i18n="${key}.label.verifyTimeout"></span></label><input type="text" id="node-input-verifyTimeout" style="width:80px"> <span data-i18n="${key}.label.verifyTimeoutHint"></span></div>`,
    `    <div class="form-row"><label for="node-input-verifyAfter"><i class="fa fa-search"></i> <span data-i18n="${key}.label.verifyAfter"></span></label><input type="text" id="node-input-verifyAfter" style="width:80px"> <span data-i18n="${key}.label.verifyAfterHint"></span></div>`,
  ];
}

function fieldRow(prefix, field, key) {
  const id = `node-${prefix}-${field.name}`;
  const label = `<label for="${id}"><span data-i18n="${key}.label.${field.name}"></span></label>`;
  const ph = field.placeholder ? ` placeholder="${esc(field.placeholder)}"` : '';
  if (field.kind === 'checkbox') {
    return `    <div class="form-row"><label for="${id}" style="width:auto"><input type="checkbox" id="${id}" style="width:auto; margin:0 6px 0 0;"> <span data-i18n="${key}.label.${field.name}"></span></label></div>`;
  }
  if (field.kind === 'textarea') {
    return `    <div class="form-row">${label}<textarea id="${id}" rows="4" style="width:70%"${ph}></textarea></div>`;
  }
  const type = field.kind === 'password' ? 'password' : 'text';
  const typed = field.typed ? `<input type="hidden" id="${id}Type">` : '';
  return `    <div class="form-row">${label}<input type="${type}" id="${id}" style="width:70%"${ph}>${typed}</div>`;
}

function dialogs(d) {
  const acc = `${d.kind}-account`;
  const upd = `${d.kind}-ddns`;
  const accRows = [
    `    <div class="form-row"><label for="node-config-input-name"><i class="fa fa-tag"></i> <span data-i18n="${acc}.label.name"></span></label><input type="text" id="node-config-input-name"></div>`,
    ...d.account.credentials.map((f) => fieldRow('config-input', f, acc)),
    ...(d.account.settings ?? []).filter((f) => !f.more).map((f) => fieldRow('config-input', f, acc)),
  ];
  const accMore = [
    ...(d.account.endpoint !== undefined ? [`    <div class="form-row"><label for="node-config-input-endpoint"><span data-i18n="${acc}.label.endpoint"></span></label><input type="text" id="node-config-input-endpoint" style="width:70%" placeholder="${esc(d.account.endpoint)}"><div class="form-tips ddns-field-note" id="${acc}-endpoint-note" role="alert" style="display:none"></div></div>`] : []),
    `    <div class="form-row"><label for="node-config-input-tls"><span data-i18n="${acc}.label.tls"></span></label><input type="text" id="node-config-input-tls"></div>`,
    ...(d.account.settings ?? []).filter((f) => f.more).map((f) => fieldRow('config-input', f, acc)),
  ];
  const u = d.updater;
  const updRows = [
    `    <div class="form-row"><label for="node-input-name"><i class="fa fa-tag"></i> <span data-i18n="${upd}.label.name"></span></label><input type="text" id="node-input-name"></div>`,
    `    <div class="form-row"><label for="node-input-account"><i class="fa fa-user"></i> <span data-i18n="${upd}.label.account"></span></label><input type="text" id="node-input-account"></div>`,
    ...(u.zone ? [`    <div class="form-row"><label for="node-input-zone"><i class="fa fa-globe"></i> <span data-i18n="${upd}.label.zone"></span></label><input type="text" id="node-input-zone" style="width:70%" placeholder="example.com"><input type="hidden" id="node-input-zoneType"></div>`] : []),
    `    <div class="form-row"><label for="node-input-hostnames"><i class="fa fa-list"></i> <span data-i18n="${upd}.label.hostnames"></span></label><input type="text" id="node-input-hostnames" style="width:70%" placeholder="${esc(u.hostnames?.placeholder ?? 'home.example.com')}"><input type="hidden" id="node-input-hostnamesType"></div>`,
    `    <div class="form-row"><label for="node-input-recordType"><i class="fa fa-cube"></i> <span data-i18n="${upd}.label.recordType"></span></label><input type="text" id="node-input-recordType" style="width:70%"></div>`,
    ...(u.settings ?? []).filter((f) => !f.more).map((f) => fieldRow('input', f, upd)),
    `    <div class="form-row"><label for="node-input-dryRun" style="width:auto"><input type="checkbox" id="node-input-dryRun" style="width:auto; margin:0 6px 0 0;"> <span data-i18n="${upd}.label.dryRun"></span></label></div>`,
  ];
  const updMore = [
    ...(u.ttl && u.ttl.values ? [`    <div class="form-row"><label for="node-input-ttl"><i class="fa fa-clock-o"></i> <span data-i18n="${upd}.label.ttl"></span></label><input type="text" id="node-input-ttl" style="width:70%"></div>`] : []),
    ...(u.ttl && !u.ttl.values ? [`    <div class="form-row"><label for="node-input-ttl"><i class="fa fa-clock-o"></i> <span data-i18n="${upd}.label.ttl"></span></label><input type="text" id="node-input-ttl" style="width:80px"> <span data-i18n="${upd}.label.ttlHint"></span></div>`] : []),
    ...(u.settings ?? []).filter((f) => f.more).map((f) => fieldRow('input', f, upd)),
    ...verifyRows(upd),
  ];
  // the toolkit's collapsible section (DdnsEditor.section): toggle, summary of what is changed, body
  const section = (rows, key) => (rows.length === 0 ? '' : [
    `    <div class="form-row"><a href="#" id="${key}-more-toggle" class="ddns-section-toggle" role="button" aria-controls="${key}-more" aria-expanded="false"><i class="fa fa-caret-right"></i> <span data-i18n="${key}.label.more"></span></a><span id="${key}-more-summary" class="ddns-section-summary"></span></div>`,
    `    <div id="${key}-more" class="ddns-section" style="display:none">`,
    ...rows,
    '    </div>',
    '',
  ].join('\n'));
  const spec = {
    kind: d.kind,
    title: d.title,
    color: d.color,
    endpoint: d.account.endpoint,
    credentials: d.account.credentials.map((f) => ({ name: f.name, kind: f.kind, required: f.required !== false })),
    accountSettings: (d.account.settings ?? []).map(editorField),
    updater: {
      zone: u.zone,
      ...(u.zoneIdPattern ? { zoneIdPattern: u.zoneIdPattern } : {}),
      hostnamesRule: u.hostnames?.rule ?? 'hostnames',
      ttl: u.ttl ?? null,
      recordTypes: u.recordTypes ?? ['auto', 'A', 'AAAA'],
      settings: (u.settings ?? []).map(editorField),
    },
  };
  return [
    '<script src="resources/node-red-contrib-ddns/ddns-rules.js"></script>',
    '<script src="resources/node-red-contrib-ddns/ddns-editor.js"></script>',
    `<script type="text/javascript">DdnsEditor.registerProvider(${JSON.stringify(spec)});</script>`,
    `<script type="text/html" data-template-name="${acc}">`,
    accRows.join('\n'),
    section(accMore, acc) + '</script>',
    `<script type="text/html" data-template-name="${upd}">`,
    updRows.join('\n'),
    section(updMore, upd) + '</script>',
    '',
  ].join('\n');
}

function editorField(f) {
  const out = { name: f.name, kind: f.kind };
  for (const key of ['default', 'required', 'rule', 'min', 'max', 'typed']) if (f[key] !== undefined) out[key] = f[key];
  if (f.options) out.options = f.options.map((o) => o.value);
  return out;
}

// ------------------------------------------------------------------ catalogs and help
function catalog(d, lang) {
  const c = COMMON[lang];
  const labels = (fields) => Object.fromEntries(fields.map((f) => [f.name, f.label[lang]]));
  const options = (fields) => Object.fromEntries(fields.filter((f) => f.options).map((f) => [f.name, Object.fromEntries(f.options.map((o) => [o.value, o.label[lang]]))]));
  return {
    [`${d.kind}-account`]: {
      label: { name: c.name, endpoint: c.endpoint, tls: c.tls, more: c.more, ...labels(d.account.credentials), ...labels(d.account.settings ?? []) },
      options: options(d.account.settings ?? []),
      section: { changed: c.changed },
      errors: c.urlErrors,
    },
    [`${d.kind}-ddns`]: {
      label: {
        name: c.name,
        account: c.account,
        zone: c.zone,
        hostnames: d.updater.hostnames?.label?.[lang] ?? c.hostnames,
        recordType: c.recordType,
        ttl: c.ttl,
        ttlHint: d.updater.ttl ? `${c.ttlHint} (${d.updater.ttl.min}–${d.updater.ttl.max})` : c.ttlHint,
        ttlDefault: c.ttlDefault,
        dryRun: c.dryRun,
        more: c.more,
        verify: c.verify,
        verifyHint: c.verifyHint,
        verifyTimeout: c.verifyTimeout,
        verifyTimeoutHint: c.verifyTimeoutHint,
        verifyAfter: c.verifyAfter,
        verifyAfterHint: c.verifyAfterHint,
        ...labels(d.updater.settings ?? []),
      },
      recordType: { auto: c.auto },
      options: options(d.updater.settings ?? []),
      section: { changed: c.changed },
    },
  };
}

function helpList(fields, lang) {
  return fields.map((f) => `    <dt>${esc(f.label[lang])}</dt><dd>${f.help[lang]}</dd>`).join('\n');
}

function help(d, lang) {
  const c = COMMON[lang];
  const u = d.updater;
  const accFields = [
    ...d.account.credentials.map((f) => `    <dt>${esc(f.label[lang])}</dt><dd>${f.help[lang]}</dd>`),
    ...(d.account.settings ? [helpList(d.account.settings, lang)] : []),
    ...(d.account.endpoint !== undefined ? [`    <dt>${c.endpoint}</dt><dd>${c.endpointHelp} <code>${esc(d.account.endpoint)}</code></dd>`] : []),
    `    <dt>${c.tls}</dt><dd>${c.tlsHelp}</dd>`,
  ];
  const updFields = [
    `    <dt>${c.account}</dt><dd><code>${d.kind}-account</code></dd>`,
    ...(u.zone ? [`    <dt>${c.zone}</dt><dd>${c.zoneHelp}${u.zoneIdPattern ? ` ${c.zoneIdHelp}` : ''}</dd>`] : []),
    `    <dt>${esc(u.hostnames?.label?.[lang] ?? c.hostnames)}</dt><dd>${u.hostnames?.help?.[lang] ?? c.hostnamesHelp}</dd>`,
    `    <dt>${c.recordType}</dt><dd>${c.recordTypeHelp}</dd>`,
    ...(u.ttl ? [`    <dt>${c.ttl}</dt><dd>${c.ttlHelp} (${u.ttl.values ? u.ttl.values.join(', ') : `${u.ttl.min}–${u.ttl.max}`})</dd>`] : []),
    ...(u.settings ? [helpList(u.settings, lang)] : []),
    `    <dt>${c.verify}</dt><dd>${c.verifyHelp}</dd>`,
    `    <dt>${c.verifyTimeout}</dt><dd>${c.verifyTimeoutHelp}</dd>`,
    `    <dt>${c.verifyAfter}</dt><dd>${c.verifyAfterHelp}</dd>`,
    `    <dt>${c.dryRun}</dt><dd>${c.dryRunHelp}</dd>`,
  ];
  return [
    `<script type="text/html" data-help-name="${d.kind}-account">`,
    `<p>${d.summary[lang]}</p>`,
    `<p>${c.helpAccount.replace('%s', d.kind)}</p>`,
    '<dl class="message-properties">',
    ...accFields,
    '</dl>',
    '</script>',
    `<script type="text/html" data-help-name="${d.kind}-ddns">`,
    `<p>${d.summary[lang]}</p>`,
    '<dl class="message-properties">',
    ...updFields,
    '</dl>',
    `<h3>${c.inputs}</h3>`,
    `<dl class="message-properties"><dt>payload <span class="property-type">string | object</span></dt><dd>${c.payloadIn}</dd></dl>`,
    `<h3>${c.outputs}</h3>`,
    '<dl class="message-properties">',
    `    <dt>payload <span class="property-type">string</span></dt><dd>${c.payloadOut}</dd>`,
    `    <dt>ddns.results <span class="property-type">array</span></dt><dd>${c.resultsOut}</dd>`,
    `    <dt>error <span class="property-type">object</span></dt><dd>${c.errorOut}</dd>`,
    '</dl>',
    `<h3>${c.details}</h3>`,
    `<p>${c.detailsText.replace('%s', d.kind)} <a href="#" class="ddns-show-records">DDNS</a></p>`,
    `<h3>${c.servedBy}</h3>`,
    `<p>${c.servedByText}</p>`,
    '</script>',
    '',
  ].join('\n');
}

// ------------------------------------------------------------------ editor rules
// Every dialog checks names, URLs and numbers with these functions, so what a
// dialog accepts is what the runtime accepts. Each mirrors a runtime rule:
//   name, names  checkName (src/core/names.ts) for one name, or a list split at commas and spaces
//   zone         a zone such as example.com (parseZone, src/providers/targets.ts)
//   hostnames    full names of a descriptor-built updater (parseFullNames, targets.ts)
//   hosts        hosts relative to a domain, `@` for the domain itself (namecheap)
//   rrs          Alidns host records (RR): `www`, `@`, `*`, `*.sub` (src/providers/aliyun/names.ts)
//   zoneOrId     a zone, or an id matching the descriptor's pattern (route53 `Z...`)
//   urlProblem   why parseServerUrl (src/core/validate.ts) refuses a URL, or "" when it takes it
//   number       numberSetting (validate.ts): digits, within [min, max], whole unless told
//   verify       parseVerifySetting (src/sources/authoritative.ts): empty, auto, off, or name servers host[:port]
function rules() {
  return `// Generated at build by scripts/generate-provider-nodes.js from src/core/names.ts,
// src/core/validate.ts and src/sources/authoritative.ts: the editor's checks for names,
// URLs, numbers and name servers, the runtime's rules.
(function () {
  if (window.DdnsRules) { return; }
  var MAX = ${NAME_RULE_SOURCES.maxLength};
  var STRICT = new RegExp(${JSON.stringify(NAME_RULE_SOURCES.labelStrict)});
  var UNDERSCORE = new RegExp(${JSON.stringify(NAME_RULE_SOURCES.labelUnderscore)});
  var SCHEME = new RegExp(${JSON.stringify(URL_RULE_SOURCES.scheme)}, "i");
  var CONTROL = new RegExp(${JSON.stringify(URL_RULE_SOURCES.control)});
  var ASCII = /^[\\x00-\\x7f]*$/;
  var VERIFY_WORDS = ${JSON.stringify(VERIFY_RULE_SOURCES.words)};
  var VERIFY_SEPARATOR = new RegExp(${JSON.stringify(VERIFY_RULE_SOURCES.separator)});
  var MAX_SERVERS = ${VERIFY_RULE_SOURCES.maxServers};
  var IPV4 = /^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$/;
  function ascii(name) {
    try { return new URL("http://" + name + "/").hostname; } catch (e) { return ""; }
  }
  function name(raw, rules) {
    rules = rules || {};
    if (typeof raw !== "string") { return false; }
    var n = raw.trim().replace(/\\.$/, "").toLowerCase();
    if (n === "" || n.length > 4 * MAX) { return false; }
    var a = ASCII.test(n) ? n : rules.international ? ascii(n) : "";
    if (a === "" || a.length > MAX) { return false; }
    var labels = a.split(".");
    if (labels.length < (rules.minLabels || 1)) { return false; }
    var label = rules.underscore ? UNDERSCORE : STRICT;
    return labels.every(function (part, i) { return (rules.wildcard && i === 0 && part === "*") || label.test(part); });
  }
  function list(text, separator) { return String(text === undefined || text === null ? "" : text).split(separator || /[\\s,]+/).map(function (p) { return p.trim(); }).filter(function (p) { return p !== ""; }); }
  function names(v, rules) { var l = list(v); return l.length > 0 && l.every(function (h) { return name(h, rules); }); }
  var FULL = { wildcard: true, underscore: true, international: true };
  function zone(v) { return name(v, { international: true, minLabels: 2 }); }
  function urlProblem(v, options) {
    options = options || {};
    var t = String(v === undefined || v === null ? "" : v).trim();
    if (t === "") { return options.required ? "empty" : ""; }
    if (t.length > 2048 || CONTROL.test(t)) { return "spaces"; }
    if (!SCHEME.test(t)) { return "scheme"; }
    var u;
    try { u = new URL(t); } catch (e) { return "invalid"; }
    if (u.protocol !== "https:" && u.protocol !== "http:") { return "protocol"; }
    if (u.hostname === "") { return "host"; }
    if (u.username || u.password) { return "login"; }
    if (!options.allowQuery && (u.search || u.hash)) { return "query"; }
    return "";
  }
  function ipv6(h) {
    if (h.indexOf(":") < 0 || !/^[0-9a-f:.]+$/i.test(h)) { return false; }
    try { new URL("http://[" + h + "]/"); return true; } catch (e) { return false; }
  }
  /** one name server as parseServer reads it: [v6]:port, a bare IPv6, or host[:port] */
  function nameServer(part) {
    var host = part;
    var port = "${VERIFY_RULE_SOURCES.defaultPort}";
    var bracketed = /^\\[([^\\]]+)\\](?::(\\d{1,5}))?$/.exec(part);
    if (bracketed) {
      host = bracketed[1];
      if (bracketed[2]) { port = bracketed[2]; }
    } else if (!ipv6(part)) {
      var colon = part.lastIndexOf(":");
      if (colon > 0) { host = part.slice(0, colon); port = part.slice(colon + 1); }
    }
    if (!/^\\d{1,5}$/.test(port) || +port < 1 || +port > 65535) { return false; }
    return IPV4.test(host) || ipv6(host) || name(host, { underscore: true });
  }
  function verify(v) {
    var t = String(v === undefined || v === null ? "" : v).trim();
    if (t === "" || VERIFY_WORDS.indexOf(t.toLowerCase()) >= 0) { return true; }
    var servers = t.split(VERIFY_SEPARATOR).filter(function (p) { return p !== ""; });
    return servers.length <= MAX_SERVERS && servers.every(nameServer);
  }
  window.DdnsRules = {
    name: name,
    names: names,
    list: list,
    zone: zone,
    hostnames: function (v) { return names(v, FULL); },
    hosts: function (v) { var l = list(v); return l.length > 0 && l.every(function (h) { return h === "@" || name(h, FULL); }); },
    rrs: function (v, domain) {
      var d = String(domain || "").trim().replace(/\\.$/, "").toLowerCase();
      var l = list(v, ",");
      return l.length > 0 && l.every(function (rr) {
        var t = rr.replace(/\\.$/, "").toLowerCase();
        if (d !== "" && t === d) { return true; }
        if (d !== "" && t.slice(-(d.length + 1)) === "." + d) { t = t.slice(0, -(d.length + 1)); }
        return t === "@" || t === "*" || (t.length + d.length < MAX + 1 && name(t, { wildcard: true, underscore: true }));
      });
    },
    zoneOrId: function (v, idPattern) { return (!!idPattern && new RegExp(idPattern, "i").test(String(v).trim())) || zone(v); },
    urlProblem: urlProblem,
    verify: verify,
    url: function (v, options) { return urlProblem(v, options) === ""; },
    number: function (v, min, max, options) {
      var t = String(v === undefined || v === null ? "" : v).trim();
      if (t === "") { return true; }
      var whole = !options || options.whole !== false;
      return /^-?\\d+(\\.\\d+)?$/.test(t) && (!whole || +t === Math.floor(+t)) && +t >= min && +t <= max;
    }
  };
})();
`;
}

// ------------------------------------------------------------------ write
for (const d of PROVIDERS) {
  write(
    path.join(dist, 'nodes', `${d.kind}.js`),
    [
      "'use strict';",
      `// Generated at build from src/providers/${d.kind}: registers ${d.kind}-account and ${d.kind}-ddns.`,
      '// The provider itself is loaded when a node is first deployed.',
      `const facts = ${JSON.stringify({ kind: d.kind, credentials: Object.fromEntries(d.account.credentials.map((f) => [f.name, f.kind === 'password' ? 'password' : 'text'])), zone: d.updater.zone })};`,
      'module.exports = function (RED) {',
      `  require('./shared/provider-nodes').registerProviderNodes(RED, facts, () => require('../providers/registry').providerDescriptor(facts.kind));`,
      '};',
      '',
    ].join('\n'),
  );
  write(path.join(dist, 'nodes', `${d.kind}.html`), dialogs(d));
  for (const lang of LANGS) {
    write(path.join(dist, 'nodes', 'locales', lang, `${d.kind}.json`), JSON.stringify(catalog(d, lang), null, 4) + '\n');
    write(path.join(dist, 'nodes', 'locales', lang, `${d.kind}.html`), help(d, lang));
  }
}
write(path.join(root, 'resources', 'ddns-rules.js'), rules());
