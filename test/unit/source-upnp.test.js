'use strict';
const { requireRoot } = require('../support/root');
// upnp:// origins against a fake UPnP IGD (HTTP + SOAP) and a fake SSDP responder.
// On the machine itself everything is unicast on loopback; real multicast
// discovery runs only inside a network namespace this file creates and removes.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { trackSockets } = require('../support/udp-sockets');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');
const { Agent } = require('undici');
const fakeIgd = require('../servers/fake-igd');
const { DdnsError } = require('../../dist/core/errors');
const {
  parseUpnpOrigin,
  lookupUpnp,
  findWanServices,
  parseExternalAddressResponse,
  buildSoapRequest,
  WAN_SERVICE_TYPES,
} = require('../../dist/sources/upnp');
const { parseXml, descendants } = require('../../dist/sources/upnp-xml');
const {
  discoverGateways,
  gatewayFromReply,
  parseSsdpMessage,
  buildSearchRequest,
  IGD_DEVICE_TYPE,
  SSDP_ADDRESS,
  SSDP_PORT,
} = require('../../dist/sources/ssdp');

const ROOT = path.resolve(__dirname, '..', '..');
const IP1 = 'urn:schemas-upnp-org:service:WANIPConnection:1';
const IP2 = 'urn:schemas-upnp-org:service:WANIPConnection:2';
const PPP1 = 'urn:schemas-upnp-org:service:WANPPPConnection:1';

function ctx(overrides = {}) {
  return { signal: new AbortController().signal, timeoutMs: 3000, family: 'ipv4', ...overrides };
}

function expectError(code, more = {}) {
  return (err) => {
    assert.ok(err instanceof DdnsError, `a DdnsError, not ${err && err.stack}`);
    assert.equal(err.code, code, err.message);
    if (more.message) assert.match(err.message, more.message);
    if ('providerCode' in more) assert.equal(err.providerCode, more.providerCode);
    if ('statusCode' in more) assert.equal(err.statusCode, more.statusCode);
    if ('retryable' in more) assert.equal(err.retryable, more.retryable);
    return true;
  };
}


// ---------------------------------------------------------------- origin

describe('sources/upnp: parseUpnpOrigin', () => {
  const valid = [
    ['upnp://', {}],
    ['upnp:///', {}],
    ['upnp://192.168.1.1:5000/rootDesc.xml', { description: 'http://192.168.1.1:5000/rootDesc.xml' }],
    ['upnp://192.168.178.1:49000/igddesc.xml', { description: 'http://192.168.178.1:49000/igddesc.xml' }],
    ['upnp://192.168.1.1/desc.xml', { description: 'http://192.168.1.1/desc.xml' }],
    ['upnp://192.168.1.1:80/desc.xml', { description: 'http://192.168.1.1/desc.xml' }],
    ['upnp://[fe80::1]:5000/rootDesc.xml', { description: 'http://[fe80::1]:5000/rootDesc.xml' }],
    ['upnp://Router.LAN:1900/gatedesc.xml?x=1', { description: 'http://router.lan:1900/gatedesc.xml?x=1' }],
  ];
  for (const [text, expected] of valid) {
    it(`accepts ${text}`, () => {
      assert.deepEqual(parseUpnpOrigin(new URL(text)), expected);
    });
  }

  const invalid = [
    ['upnp:', /write upnp:\/\//],
    ['upnp:///rootDesc.xml', /no host/],
    ['upnp://192.168.1.1:5000', /needs the path/],
    ['upnp://192.168.1.1:5000/', /needs the path/],
    ['upnp://192.168.1.1:0/x.xml', /port/],
    ['upnp://user:pw@192.168.1.1:5000/x.xml', /user name or password/],
    ['upnp://192.168.1.1:5000/x.xml#frag', /fragment/],
    ['upnp://1.2.3:5000/x.xml', /not a valid IPv4/],
    ['upnp://bad%21host/x.xml', /not a valid host name/],
    ['http://192.168.1.1:5000/x.xml', /not a upnp:\/\/ origin/],
  ];
  for (const [text, message] of invalid) {
    it(`refuses ${text} with ECONFIG`, () => {
      assert.throws(() => parseUpnpOrigin(new URL(text)), expectError('ECONFIG', { message }));
    });
  }
});

// ---------------------------------------------------------------- XML

describe('sources/upnp-xml: the XML reader', () => {
  it('reads namespaced elements by local name, decodes entities and CDATA', () => {
    const doc = parseXml(
      '<?xml version="1.0"?><s:Envelope xmlns:s="x"><s:Body><u:R xmlns:u="y"><a>1 &lt; 2 &amp;&#x41;&#66;</a><b><![CDATA[<raw> & ]]></b></u:R></s:Body></s:Envelope>',
    );
    assert.equal(descendants(doc, 'a')[0].text, '1 < 2 &AB');
    assert.equal(descendants(doc, 'b')[0].text, '<raw> & ');
    assert.equal(descendants(doc, 'Body').length, 1);
  });

  it('never expands entities a DOCTYPE declares (no billion laughs, no external entities)', () => {
    const xml = `<?xml version="1.0"?>
<!DOCTYPE root [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<root><NewExternalIPAddress>&xxe;&lol2;</NewExternalIPAddress></root>`;
    const doc = parseXml(xml);
    assert.equal(descendants(doc, 'NewExternalIPAddress')[0].text, '&xxe;&lol2;');
    assert.throws(() => parseExternalAddressResponse({ status: 200, body: xml }), expectError('EBADRESPONSE'));
  });

  it('skips comments, even ones that look like elements', () => {
    const doc = parseXml('<r><!-- <NewExternalIPAddress>192.0.2.1</NewExternalIPAddress> --><x>1</x></r>');
    assert.equal(descendants(doc, 'NewExternalIPAddress').length, 0);
    assert.equal(descendants(doc, 'x')[0].text, '1');
  });

  const junk = [
    ['empty text', ''],
    ['plain text', 'hello'],
    ['stray angle brackets', 'a < b > c <<< >>> <'],
    ['a tag cut off', '<root><a href="x'],
    ['unclosed elements', '<a><b><c>text'],
    ['stray close tags', '</a></b><c>1</c></d>'],
    ['binary', '\u0000\u0001\u0002<\u0003>'],
    ['a doctype cut off', '<!DOCTYPE x [ <!ENTITY'],
  ];
  for (const [title, text] of junk) {
    it(`does not throw on ${title}`, () => {
      assert.equal(parseXml(text).name, '#document');
    });
  }

  it('handles a deeply nested and very repetitive document (each character looked at a bounded number of times)', () => {
    const deep = '<a>'.repeat(5000) + 'x' + '</a>'.repeat(5000);
    assert.equal(parseXml(deep).children.length, 1);
    const many = '<service>'.repeat(30000);
    assert.deepEqual(findWanServices(many, 'http://127.0.0.1/').services, []);
    const declarations = '<!x>'.repeat(65000) + '<a>1</a>';
    assert.equal(descendants(parseXml(declarations), 'a')[0].text, '1');
    const closes = '<a>' + '</b>'.repeat(60000);
    assert.equal(parseXml(closes).children.length, 1);
  });
});

// ---------------------------------------------------------------- description

function desc(body, { urlBase } = {}) {
  return `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion>${
    urlBase ? `<URLBase>${urlBase}</URLBase>` : ''
  }${body}</root>`;
}
function svc(type, control) {
  return `<service><serviceType>${type}</serviceType><serviceId>urn:upnp-org:serviceId:x</serviceId><controlURL>${control}</controlURL><eventSubURL>/e</eventSubURL><SCPDURL>/s.xml</SCPDURL></service>`;
}
function dev(type, services, embedded = '') {
  return `<device><deviceType>urn:schemas-upnp-org:device:${type}</deviceType><serviceList>${services.join('')}</serviceList>${
    embedded ? `<deviceList>${embedded}</deviceList>` : ''
  }</device>`;
}
function igd(services, version = 1) {
  return dev(
    `InternetGatewayDevice:${version}`,
    [svc('urn:schemas-upnp-org:service:Layer3Forwarding:1', '/ctl/L3F')],
    dev(`WANDevice:${version}`, [svc('urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1', '/ctl/CmnIfCfg')], dev(`WANConnectionDevice:${version}`, services)),
  );
}

describe('sources/upnp: findWanServices (device descriptions)', () => {
  const base = 'http://192.168.1.1:5000/rootDesc.xml';
  const cases = [
    {
      title: 'IGD:1 > WANDevice > WANConnectionDevice > WANIPConnection:1, relative controlURL',
      xml: desc(igd([svc(IP1, '/ctl/IPConn')])),
      expected: [{ serviceType: IP1, controlUrl: 'http://192.168.1.1:5000/ctl/IPConn' }],
    },
    {
      title: 'IGD:2 with WANIPConnection:2',
      xml: desc(igd([svc(IP2, '/ctl/IPConn')], 2)),
      expected: [{ serviceType: IP2, controlUrl: 'http://192.168.1.1:5000/ctl/IPConn' }],
    },
    {
      title: 'WANPPPConnection:1 with an absolute controlURL on the same host and port',
      xml: desc(igd([svc(PPP1, 'http://192.168.1.1:5000/upnp/control/WANPPPConn1')])),
      expected: [{ serviceType: PPP1, controlUrl: 'http://192.168.1.1:5000/upnp/control/WANPPPConn1' }],
    },
    {
      title: 'a controlURL without a leading slash, relative to the description',
      xml: desc(igd([svc(IP1, 'ctl/IPConn')])),
      expected: [{ serviceType: IP1, controlUrl: 'http://192.168.1.1:5000/ctl/IPConn' }],
    },
    {
      title: 'URLBase: relative controlURLs resolve against it',
      xml: desc(igd([svc(IP1, 'ctl/IPConn')]), { urlBase: 'http://192.168.1.1:5000/base/' }),
      expected: [{ serviceType: IP1, controlUrl: 'http://192.168.1.1:5000/base/ctl/IPConn' }],
    },
    {
      title: 'URLBase with a rooted controlURL',
      xml: desc(igd([svc(IP1, '/ctl/IPConn')]), { urlBase: 'http://192.168.1.1:5000/base/' }),
      expected: [{ serviceType: IP1, controlUrl: 'http://192.168.1.1:5000/ctl/IPConn' }],
    },
    {
      title: 'an unusable URLBase is ignored',
      xml: desc(igd([svc(IP1, '/ctl/IPConn')]), { urlBase: 'ftp://192.168.1.1/' }),
      expected: [{ serviceType: IP1, controlUrl: 'http://192.168.1.1:5000/ctl/IPConn' }],
    },
    {
      title: 'IP and PPP side by side (Fritz!Box): WANIPConnection first',
      xml: desc(igd([svc(PPP1, '/igdupnp/control/WANPPPConn1'), svc(IP1, '/igdupnp/control/WANIPConn1')])),
      expected: [
        { serviceType: IP1, controlUrl: 'http://192.168.1.1:5000/igdupnp/control/WANIPConn1' },
        { serviceType: PPP1, controlUrl: 'http://192.168.1.1:5000/igdupnp/control/WANPPPConn1' },
      ],
    },
    {
      title: 'v2 preferred over v1, several connection devices in document order',
      xml: desc(
        dev(
          'InternetGatewayDevice:2',
          [],
          dev('WANDevice:2', [], dev('WANConnectionDevice:2', [svc(IP1, '/a')]) + dev('WANConnectionDevice:2', [svc(IP2, '/b'), svc(IP1, '/c')])),
        ),
      ),
      expected: [
        { serviceType: IP2, controlUrl: 'http://192.168.1.1:5000/b' },
        { serviceType: IP1, controlUrl: 'http://192.168.1.1:5000/a' },
        { serviceType: IP1, controlUrl: 'http://192.168.1.1:5000/c' },
      ],
    },
    {
      title: 'namespace prefixes, whitespace and entities around values',
      xml: `<d:root xmlns:d="urn:schemas-upnp-org:device-1-0"><d:device><d:deviceList><d:device><d:serviceList><d:service>
  <d:serviceType>
    ${IP1}
  </d:serviceType>
  <d:controlURL> /ctl?a=1&amp;b=2 </d:controlURL>
</d:service></d:serviceList></d:device></d:deviceList></d:device></d:root>`,
      expected: [{ serviceType: IP1, controlUrl: 'http://192.168.1.1:5000/ctl?a=1&b=2' }],
    },
    {
      title: 'a service in a comment is not a service',
      xml: desc(igd([`<!-- ${svc(IP1, '/hidden')} -->`, svc(PPP1, '/real')])),
      expected: [{ serviceType: PPP1, controlUrl: 'http://192.168.1.1:5000/real' }],
    },
    {
      title: 'other services, an unknown version, an empty or non-http controlURL are left out',
      xml: desc(
        igd([
          svc('urn:schemas-upnp-org:service:WANIPConnection:3', '/v3'),
          svc('urn:schemas-upnp-org:service:WANIPv6FirewallControl:1', '/fw'),
          svc(IP1, ''),
          svc(IP1, 'javascript:alert(1)'),
          svc(IP1, 'file:///etc/passwd'),
          svc(PPP1, '/ok'),
        ]),
      ),
      expected: [{ serviceType: PPP1, controlUrl: 'http://192.168.1.1:5000/ok' }],
    },
    {
      title: 'the same service listed twice counts once',
      xml: desc(igd([svc(IP1, '/x'), svc(IP1, '/x')])),
      expected: [{ serviceType: IP1, controlUrl: 'http://192.168.1.1:5000/x' }],
    },
    {
      title: 'a media server (no WAN connection service)',
      xml: desc(dev('MediaServer:1', [svc('urn:schemas-upnp-org:service:ContentDirectory:1', '/cd')])),
      expected: [],
    },
  ];
  for (const { title, xml, expected } of cases) {
    it(title, () => {
      assert.deepEqual(findWanServices(xml, base).services, expected);
    });
  }

  // A description must not send the lookup elsewhere: a POST to 169.254.169.254 (cloud
  // metadata) or to an internal host is what a hostile or hijacked device would want.
  const elsewhere = [
    ['an absolute controlURL on another host', desc(igd([svc(IP1, 'http://169.254.169.254/latest/meta-data/')])), 'http://169.254.169.254'],
    ['an absolute controlURL on another port', desc(igd([svc(PPP1, 'http://192.168.1.1:49000/upnp/control/WANPPPConn1')])), 'http://192.168.1.1:49000'],
    ['an https controlURL for an http description', desc(igd([svc(IP1, 'https://192.168.1.1:5000/ctl/IPConn')])), 'https://192.168.1.1:5000'],
    ['a URLBase on another host under a relative controlURL', desc(igd([svc(IP1, 'ctl/IPConn')]), { urlBase: 'http://10.0.0.5:8080/' }), 'http://10.0.0.5:8080'],
    ['a protocol-relative controlURL naming another host', desc(igd([svc(IP1, '//internal.example/ctl')])), 'http://internal.example'],
  ];
  for (const [title, xml, origin] of elsewhere) {
    it(`${title} is refused, not listed`, () => {
      const found = findWanServices(xml, base);
      assert.deepEqual(found.services, []);
      assert.deepEqual(found.refused.map((r) => r.origin), [origin]);
    });
  }
  it('a refused control URL does not hide a good one beside it', () => {
    const found = findWanServices(desc(igd([svc(IP1, 'http://169.254.169.254/x'), svc(PPP1, '/ok')])), base);
    assert.deepEqual(found.services, [{ serviceType: PPP1, controlUrl: 'http://192.168.1.1:5000/ok' }]);
    assert.equal(found.refused.length, 1);
  });

  it('lists exactly the three WAN connection types that have GetExternalIPAddress', () => {
    assert.deepEqual([...WAN_SERVICE_TYPES], [IP2, IP1, PPP1]);
  });
});

// ---------------------------------------------------------------- SOAP

function envelope(body) {
  return `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>${body}</s:Body></s:Envelope>`;
}
function response(address) {
  return envelope(`<u:GetExternalIPAddressResponse xmlns:u="${IP1}"><NewExternalIPAddress>${address}</NewExternalIPAddress></u:GetExternalIPAddressResponse>`);
}
function upnpFault(code, description) {
  return envelope(
    `<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>${code}</errorCode>${
      description === undefined ? '' : `<errorDescription>${description}</errorDescription>`
    }</UPnPError></detail></s:Fault>`,
  );
}

describe('sources/upnp: parseExternalAddressResponse (SOAP answers)', () => {
  const answers = [
    ['a plain answer', response('203.0.113.7'), '203.0.113.7'],
    ['whitespace around the address', response('\n  203.0.113.7 \n'), '203.0.113.7'],
    ['a prefixed NewExternalIPAddress', envelope(`<u:R xmlns:u="${IP1}"><u:NewExternalIPAddress>198.51.100.2</u:NewExternalIPAddress></u:R>`), '198.51.100.2'],
    ['a private address (the scope check is not this layer\'s)', response('192.168.0.5'), '192.168.0.5'],
    ['a CGNAT address (double NAT)', response('100.64.1.2'), '100.64.1.2'],
    ['an IPv4-mapped IPv6 form', response('::ffff:203.0.113.9'), '203.0.113.9'],
  ];
  for (const [title, body, expected] of answers) {
    it(`reads ${title}`, () => {
      assert.equal(parseExternalAddressResponse({ status: 200, body }), expected);
    });
  }

  const failures = [
    ['an empty address (not connected) is ENOADDR', 200, response(''), 'ENOADDR', { retryable: true }],
    ['a self-closing empty address is ENOADDR', 200, envelope('<u:R><NewExternalIPAddress/></u:R>'), 'ENOADDR', {}],
    ['0.0.0.0 (not connected) is ENOADDR', 200, response('0.0.0.0'), 'ENOADDR', {}],
    ['a word instead of an address is EBADRESPONSE', 200, response('connected'), 'EBADRESPONSE', { message: /not an IP address/ }],
    ['an octal-looking address is EBADRESPONSE', 200, response('010.1.1.1'), 'EBADRESPONSE', {}],
    ['no NewExternalIPAddress is EBADRESPONSE', 200, envelope('<u:R></u:R>'), 'EBADRESPONSE', { message: /no NewExternalIPAddress/ }],
    ['garbage is EBADRESPONSE', 200, 'not xml <at all', 'EBADRESPONSE', {}],
    [
      '501 Action Failed is EBADRESPONSE with the UPnP code',
      500,
      upnpFault(501, 'Action Failed'),
      'EBADRESPONSE',
      { providerCode: '501', statusCode: 500, retryable: true, message: /UPnP error 501 \(Action Failed\)/ },
    ],
    [
      '606 Action not authorized is EBADRESPONSE, not retryable',
      500,
      upnpFault(606, 'Action not authorized'),
      'EBADRESPONSE',
      { providerCode: '606', retryable: false, message: /606 \(Action not authorized\)/ },
    ],
    ['a fault without a description takes the standard name', 500, upnpFault(401), 'EBADRESPONSE', { providerCode: '401', message: /401 \(Invalid Action\)/ }],
    ['a fault in a 200 answer is still a fault', 200, upnpFault(501, 'Action Failed'), 'EBADRESPONSE', { providerCode: '501', statusCode: 200 }],
    [
      'a SOAP fault without UPnPError reports its faultstring',
      500,
      envelope('<s:Fault><faultcode>s:Server</faultcode><faultstring>Internal failure</faultstring></s:Fault>'),
      'EBADRESPONSE',
      { message: /Internal failure/, retryable: true },
    ],
    ['HTTP 500 without a fault is EHTTPSTATUS', 500, 'Internal Server Error', 'EHTTPSTATUS', { statusCode: 500, retryable: true }],
    ['HTTP 500 whose body has an address is still an error', 500, response('203.0.113.7'), 'EHTTPSTATUS', { statusCode: 500 }],
    ['HTTP 404 is EHTTPSTATUS, not retryable', 404, 'Not Found', 'EHTTPSTATUS', { statusCode: 404, retryable: false }],
  ];
  for (const [title, status, body, code, more] of failures) {
    it(title, () => {
      assert.throws(() => parseExternalAddressResponse({ status, body }), expectError(code, more));
    });
  }

  it('builds the GetExternalIPAddress request in the service type namespace', () => {
    const body = buildSoapRequest(IP2);
    assert.match(body, /<s:Envelope xmlns:s="http:\/\/schemas.xmlsoap.org\/soap\/envelope\/"/);
    assert.match(body, new RegExp(`<u:GetExternalIPAddress xmlns:u="${IP2}"></u:GetExternalIPAddress>`));
  });
});

// ---------------------------------------------------------------- lookups against the fake IGD

describe('sources/upnp: lookupUpnp against a fake IGD', () => {
  let router;
  const origin = (variant) => parseUpnpOrigin(new URL(router.origin(variant)));
  before(async () => {
    router = await fakeIgd.start({ address: '203.0.113.45' });
  });
  after(() => router.close());
  beforeEach(() => router.reset());

  const variants = [
    { variant: 'ip', serviceType: IP1, control: '/ctl/IPConn' },
    { variant: 'ip2', serviceType: IP2, control: '/ctl/IPConn2' },
    { variant: 'ppp', serviceType: PPP1, control: '/upnp/control/WANPPPConn1' },
    { variant: 'urlbase', serviceType: IP1, control: '/base/ctl/IPConn' },
    { variant: 'both', serviceType: IP1, control: '/igdupnp/control/WANIPConn1' },
  ];
  for (const { variant, serviceType, control } of variants) {
    it(`asks ${variant}: description, then GetExternalIPAddress at ${control}`, async () => {
      const answer = await lookupUpnp(origin(variant), ctx());
      assert.deepEqual(answer, { texts: ['203.0.113.45'], kind: 'addresses' });
      assert.deepEqual(
        router.requests.map((r) => [r.method, r.path]),
        [
          ['GET', `/desc/${variant}.xml`],
          ['POST', control],
        ],
      );
      const soap = router.requests[1];
      assert.equal(soap.soapAction, `"${serviceType}#GetExternalIPAddress"`);
      assert.equal(soap.contentType, 'text/xml; charset="utf-8"');
      assert.match(soap.body, new RegExp(`<u:GetExternalIPAddress xmlns:u="${serviceType}">`));
    });
  }

  it('falls back to WANPPPConnection when WANIPConnection is not connected', async () => {
    router.configure({ modes: { '/igdupnp/control/WANIPConn1': 'empty' }, address: '198.51.100.77' });
    const answer = await lookupUpnp(origin('both'), ctx());
    assert.deepEqual(answer.texts, ['198.51.100.77']);
    assert.deepEqual(
      router.requests.filter((r) => r.method === 'POST').map((r) => r.path),
      ['/igdupnp/control/WANIPConn1', '/igdupnp/control/WANPPPConn1'],
    );
  });

  it('falls back past a fault too, and reports ENOADDR when no connection is up', async () => {
    router.configure({ modes: { '/igdupnp/control/WANIPConn1': 'fault501', '/igdupnp/control/WANPPPConn1': 'empty' } });
    await assert.rejects(
      lookupUpnp(origin('both'), ctx()),
      expectError('ENOADDR', { message: /WANIPConnection:1 at .*UPnP error 501.*; WANPPPConnection:1 at .*empty external address.*double NAT/, retryable: true }),
    );
  });

  const failures = [
    { title: 'an empty address (router offline) is ENOADDR', mode: 'empty', code: 'ENOADDR' },
    { title: '0.0.0.0 is ENOADDR', mode: 'zero', code: 'ENOADDR' },
    { title: 'a 501 Action Failed fault is EBADRESPONSE with code 501', mode: 'fault501', code: 'EBADRESPONSE', more: { providerCode: '501', statusCode: 500 } },
    { title: 'a 606 fault is EBADRESPONSE with code 606', mode: 'fault606', code: 'EBADRESPONSE', more: { providerCode: '606', message: /not authorized/ } },
    { title: 'a fault without UPnPError is EBADRESPONSE', mode: 'faultNoCode', code: 'EBADRESPONSE', more: { message: /Internal failure/ } },
    { title: 'a fault with status 200 is EBADRESPONSE', mode: 'fault200', code: 'EBADRESPONSE', more: { providerCode: '501' } },
    { title: 'a plain HTTP 500 is EHTTPSTATUS', mode: 'http500', code: 'EHTTPSTATUS', more: { statusCode: 500, retryable: true } },
    { title: 'an HTTP 404 from the control URL is EHTTPSTATUS', mode: 'http404', code: 'EHTTPSTATUS', more: { statusCode: 404 } },
    { title: 'garbage is EBADRESPONSE', mode: 'garbage', code: 'EBADRESPONSE' },
    { title: 'a word for an address is EBADRESPONSE', mode: 'notAddress', code: 'EBADRESPONSE' },
  ];
  for (const { title, mode, code, more } of failures) {
    it(title, async () => {
      router.configure({ mode });
      await assert.rejects(lookupUpnp(origin('ip'), ctx()), expectError(code, more));
    });
  }

  const descriptionFailures = [
    { title: 'a description answered with 404 is EHTTPSTATUS', descriptionMode: 'http404', code: 'EHTTPSTATUS', more: { statusCode: 404 } },
    { title: 'a garbage description is EBADRESPONSE', descriptionMode: 'garbage', code: 'EBADRESPONSE', more: { message: /not an Internet gateway/ } },
  ];
  for (const { title, descriptionMode, code, more } of descriptionFailures) {
    it(title, async () => {
      router.configure({ descriptionMode });
      await assert.rejects(lookupUpnp(origin('ip'), ctx()), expectError(code, more));
      assert.equal(router.requests.filter((r) => r.method === 'POST').length, 0);
    });
  }

  it('a device without a WAN connection service is EBADRESPONSE', async () => {
    await assert.rejects(lookupUpnp(origin('nowan'), ctx()), expectError('EBADRESPONSE', { message: /no WANIPConnection or WANPPPConnection/ }));
  });

  it('a control URL that never answers ends in ETIMEDOUT', async () => {
    router.configure({ mode: 'hang' });
    await assert.rejects(lookupUpnp(origin('ip'), ctx({ timeoutMs: 500 })), expectError('ETIMEDOUT'));
  });

  it('a description that never comes ends in ETIMEDOUT', async () => {
    router.configure({ descriptionMode: 'hang' });
    await assert.rejects(lookupUpnp(origin('ip'), ctx({ timeoutMs: 500 })), expectError('ETIMEDOUT'));
  });

  it('a hanging first service does not get a second try after the deadline', async () => {
    router.configure({ modes: { '/igdupnp/control/WANIPConn1': 'hang' } });
    await assert.rejects(lookupUpnp(origin('both'), ctx({ timeoutMs: 500 })), expectError('ETIMEDOUT'));
    assert.deepEqual(
      router.requests.filter((r) => r.method === 'POST').map((r) => r.path),
      ['/igdupnp/control/WANIPConn1'],
    );
  });

  it('an abort in flight ends in EABORTED', async () => {
    router.configure({ mode: 'hang' });
    const controller = new AbortController();
    const pending = lookupUpnp(origin('ip'), ctx({ signal: controller.signal, timeoutMs: 10000 }));
    const waitForPost = async () => {
      while (!router.requests.some((r) => r.method === 'POST')) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await waitForPost();
    controller.abort();
    await assert.rejects(pending, expectError('EABORTED'));
  });

  it('an already aborted signal ends in EABORTED without a request', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(lookupUpnp(origin('ip'), ctx({ signal: controller.signal })), expectError('EABORTED'));
    assert.equal(router.requests.length, 0);
  });

  it('an abort whose reason is a DdnsError keeps that code', async () => {
    router.configure({ mode: 'hang' });
    const controller = new AbortController();
    const pending = lookupUpnp(origin('ip'), ctx({ signal: controller.signal, timeoutMs: 10000 }));
    setTimeout(() => controller.abort(new DdnsError('ETIMEDOUT', 'deadline')), 50);
    await assert.rejects(pending, expectError('ETIMEDOUT'));
  });

  it('connects from the bind address (127.0.0.2), as the router sees', async () => {
    const answer = await lookupUpnp(origin('ip'), ctx({ localAddress: '127.0.0.2' }));
    assert.deepEqual(answer.texts, ['203.0.113.45']);
    assert.equal(router.requests.length, 2);
    for (const request of router.requests) assert.equal(request.address, '127.0.0.2');
  });

  it('uses the dispatcher from the context when there is no bind address, and leaves it open', async () => {
    let dispatched = 0;
    class CountingAgent extends Agent {
      dispatch(options, handler) {
        dispatched++;
        return super.dispatch(options, handler);
      }
    }
    const agent = new CountingAgent();
    try {
      await lookupUpnp(origin('ip'), ctx({ dispatcher: agent }));
      assert.equal(dispatched, 2);
      assert.equal(agent.destroyed, false);
      assert.equal(agent.closed, false);
      // with a bind address it needs connections from there: its own agent, not the shared one
      await lookupUpnp(origin('ip'), ctx({ dispatcher: agent, localAddress: '127.0.0.2' }));
      assert.equal(dispatched, 2);
      assert.equal(router.requests.at(-1).address, '127.0.0.2');
    } finally {
      await agent.close();
    }
  });

  it('an IPv6 lookup is ENOADDR at once: GetExternalIPAddress is IPv4 only', async () => {
    await assert.rejects(lookupUpnp(origin('ip'), ctx({ family: 'ipv6' })), expectError('ENOADDR', { message: /IPv4/ }));
    assert.equal(router.requests.length, 0);
  });

  it('a router that refuses connections is ENETWORK', async () => {
    const closed = await fakeIgd.start();
    const text = closed.origin('ip');
    await closed.close();
    await assert.rejects(lookupUpnp(parseUpnpOrigin(new URL(text)), ctx()), expectError('ENETWORK'));
  });
});

// ---------------------------------------------------------------- SSDP on loopback (unicast only)

describe('sources/ssdp: messages', () => {
  it('builds an M-SEARCH for the InternetGatewayDevice', () => {
    const text = buildSearchRequest(IGD_DEVICE_TYPE, 2).toString('latin1');
    const lines = text.split('\r\n');
    assert.equal(lines[0], 'M-SEARCH * HTTP/1.1');
    assert.ok(lines.includes('HOST: 239.255.255.250:1900'));
    assert.ok(lines.includes('MAN: "ssdp:discover"'));
    assert.ok(lines.includes('MX: 2'));
    assert.ok(lines.includes('ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1'));
    assert.ok(text.endsWith('\r\n\r\n'));
    assert.equal(SSDP_ADDRESS, '239.255.255.250');
    assert.equal(SSDP_PORT, 1900);
  });

  it('reads header names case-insensitively', () => {
    const message = parseSsdpMessage('HTTP/1.1 200 OK\r\nLocation: http://a/\r\ncache-control: max-age=60\r\n\r\n');
    assert.equal(message.startLine, 'HTTP/1.1 200 OK');
    assert.equal(message.headers.location, 'http://a/');
    assert.equal(message.headers['cache-control'], 'max-age=60');
  });

  const from = { address: '192.168.1.1', port: 1900 };
  const reply = (lines) => `${lines.join('\r\n')}\r\n\r\n`;
  const ok = (st, location, status = 'HTTP/1.1 200 OK') => reply([status, 'CACHE-CONTROL: max-age=120', `ST: ${st}`, 'USN: uuid:1::x', 'EXT:', 'SERVER: a', `LOCATION: ${location}`]);
  const cases = [
    ['a standard reply', ok(IGD_DEVICE_TYPE, 'http://192.168.1.1:5000/rootDesc.xml'), 'http://192.168.1.1:5000/rootDesc.xml'],
    ['a version 2 gateway', ok('urn:schemas-upnp-org:device:InternetGatewayDevice:2', 'http://192.168.1.1:5000/r.xml'), 'http://192.168.1.1:5000/r.xml'],
    ['LF line ends and lower-case names', 'HTTP/1.1 200 OK\nst: urn:schemas-upnp-org:device:InternetGatewayDevice:1\nlocation: http://192.168.1.1/d.xml\n\n', 'http://192.168.1.1/d.xml'],
    ['another device type', ok('urn:schemas-upnp-org:device:MediaRenderer:1', 'http://192.168.1.1/d.xml'), undefined],
    ['a 404 status', ok(IGD_DEVICE_TYPE, 'http://192.168.1.1/d.xml', 'HTTP/1.1 404 Not Found'), undefined],
    ['a LOCATION on another host', ok(IGD_DEVICE_TYPE, 'http://203.0.113.80/d.xml'), undefined],
    ['a LOCATION naming a host name', ok(IGD_DEVICE_TYPE, 'http://evil.example/d.xml'), undefined],
    ['an https LOCATION', ok(IGD_DEVICE_TYPE, 'https://192.168.1.1/d.xml'), undefined],
    ['a LOCATION with credentials', ok(IGD_DEVICE_TYPE, 'http://u:p@192.168.1.1/d.xml'), undefined],
    ['no LOCATION', reply(['HTTP/1.1 200 OK', `ST: ${IGD_DEVICE_TYPE}`]), undefined],
    ['a NOTIFY', reply(['NOTIFY * HTTP/1.1', `NT: ${IGD_DEVICE_TYPE}`, 'LOCATION: http://192.168.1.1/d.xml']), undefined],
    ['binary junk', '\u0000\u0001', undefined],
  ];
  for (const [title, text, location] of cases) {
    it(`${location ? 'takes' : 'ignores'} ${title}`, () => {
      const gateway = gatewayFromReply(Buffer.from(text, 'latin1'), from);
      assert.equal(gateway && gateway.location, location);
    });
  }
});

describe('sources/ssdp: discoverGateways pointed at a unicast responder on 127.0.0.1', () => {
  let router;
  let rogue;
  let responder;
  let tracker;
  const target = () => ({ address: '127.0.0.1', port: responder.port });
  /** the loopback router stands for the default gateway */
  const gatewayIsRouter = { defaultGateways: async () => ['127.0.0.1'] };
  before(async () => {
    router = await fakeIgd.start({ address: '203.0.113.46' });
    // another device on the LAN that answers the search with a description of its own
    rogue = await fakeIgd.start({ host: '127.0.0.9', address: '198.51.100.66' });
    responder = await fakeIgd.startSsdp({ host: '127.0.0.1', location: router.url('ip'), rogueFrom: '127.0.0.9', rogueLocation: rogue.url('ip') });
  });
  after(async () => {
    await responder.close();
    await router.close();
    await rogue.close();
  });
  beforeEach(() => {
    router.reset();
    rogue.reset();
    responder.configure({ mode: 'answer', location: router.url('ip') });
    responder.requests.length = 0;
    tracker = trackSockets();
  });
  afterEach(async () => {
    tracker.restore();
    assert.ok(await tracker.allClosed(), 'every socket is closed');
  });

  it('finds the gateway and its LOCATION', async () => {
    const gateways = await discoverGateways(ctx(), { ...target(), first: true });
    assert.equal(gateways.length, 1);
    assert.equal(gateways[0].location, router.url('ip'));
    assert.equal(gateways[0].searchTarget, IGD_DEVICE_TYPE);
    assert.equal(gateways[0].address, '127.0.0.1');
    assert.match(gateways[0].usn, /^uuid:/);
    const search = responder.requests[0];
    assert.equal(search.first, 'M-SEARCH * HTTP/1.1');
    assert.equal(search.headers.man, '"ssdp:discover"');
    assert.equal(search.headers.mx, '2');
    assert.equal(search.headers.st, IGD_DEVICE_TYPE);
    assert.equal(search.headers.host, `127.0.0.1:${responder.port}`);
  });

  it('collects until the window closes, one gateway per LOCATION', async () => {
    const gateways = await discoverGateways(ctx(), { ...target(), windowMs: 600 });
    assert.equal(gateways.length, 1);
    assert.equal(responder.requests.length, 2, 'the search is sent twice, as UDP may lose one');
  });

  it('ignores other devices, other hosts, errors and junk, and takes the real gateway', async () => {
    responder.configure({ mode: 'decoysFirst' });
    const gateways = await discoverGateways(ctx(), { ...target(), first: true });
    assert.deepEqual(
      gateways.map((g) => g.location),
      [router.url('ip')],
    );
  });

  it('only decoys: no gateway', async () => {
    responder.configure({ mode: 'decoysOnly' });
    assert.deepEqual(await discoverGateways(ctx(), { ...target(), windowMs: 400 }), []);
  });

  it('silence: no gateway, not an error', async () => {
    responder.configure({ mode: 'silent' });
    assert.deepEqual(await discoverGateways(ctx(), { ...target(), windowMs: 300 }), []);
  });

  it('searches again when the first search is lost', async () => {
    responder.configure({ mode: 'dropFirst' });
    const gateways = await discoverGateways(ctx(), { ...target(), first: true, windowMs: 1500 });
    assert.equal(gateways.length, 1);
    assert.equal(responder.requests.length, 2);
  });

  it('searches from the bind address (127.0.0.2), as the responder sees', async () => {
    const gateways = await discoverGateways(ctx({ localAddress: '127.0.0.2' }), { ...target(), first: true });
    assert.equal(gateways.length, 1);
    assert.equal(responder.requests[0].address, '127.0.0.2');
  });

  it('an abort ends in EABORTED', async () => {
    responder.configure({ mode: 'silent' });
    const controller = new AbortController();
    const pending = discoverGateways(ctx({ signal: controller.signal }), { ...target(), windowMs: 5000 });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, expectError('EABORTED'));
  });

  const badOptions = [
    ['a bind address of the other family', { localAddress: '::1' }, {}],
    ['a bind address that is no address', { localAddress: 'eth0' }, {}],
    ['a target that is no address', {}, { address: 'router.lan' }],
    ['port 0', {}, { port: 0 }],
    ['MX 0', {}, { mx: 0 }],
    ['MX 9', {}, { mx: 9 }],
    ['a search target with a line break', {}, { searchTarget: 'ssdp:all\r\nX: y' }],
  ];
  for (const [title, context, options] of badOptions) {
    it(`${title} is ECONFIG, nothing sent`, async () => {
      await assert.rejects(discoverGateways(ctx(context), { ...target(), ...options }), expectError('ECONFIG'));
      assert.equal(responder.requests.length, 0);
    });
  }

  it('a bind address this host does not have is ENETWORK', async () => {
    await assert.rejects(discoverGateways(ctx({ localAddress: '192.0.2.1' }), target()), expectError('ENETWORK'));
  });

  it('lookupUpnp with upnp:// discovers, then asks the gateway it found', async () => {
    const answer = await lookupUpnp(parseUpnpOrigin(new URL('upnp://')), ctx(), { discover: target(), ...gatewayIsRouter });
    assert.deepEqual(answer, { texts: ['203.0.113.46'], kind: 'addresses' });
    assert.deepEqual(
      router.requests.map((r) => [r.method, r.path]),
      [
        ['GET', '/desc/ip.xml'],
        ['POST', '/ctl/IPConn'],
      ],
    );
  });

  it('lookupUpnp with upnp:// from the bind address: search and HTTP both leave from 127.0.0.2', async () => {
    await lookupUpnp({}, ctx({ localAddress: '127.0.0.2' }), { discover: target(), ...gatewayIsRouter });
    assert.equal(responder.requests[0].address, '127.0.0.2');
    for (const request of router.requests) assert.equal(request.address, '127.0.0.2');
  });

  it('lookupUpnp with upnp:// and no gateway answering is ETIMEDOUT', async () => {
    responder.configure({ mode: 'silent' });
    await assert.rejects(
      lookupUpnp({}, ctx({ timeoutMs: 500 }), { discover: target(), ...gatewayIsRouter }),
      expectError('ETIMEDOUT', { message: /no UPnP Internet gateway/ }),
    );
    assert.equal(router.requests.length, 0);
  });

  // issue 22.7; DESIGN.md: "UPnP discovery takes answers from the default gateway (or the origin's host) only."
  it('without `from`, the first well-formed answer wins, whoever sent it (why lookupUpnp passes the gateways)', async () => {
    responder.configure({ mode: 'rogueFirst' });
    const gateways = await discoverGateways(ctx(), { ...target(), first: true });
    assert.deepEqual(gateways.map((g) => [g.address, g.location]), [['127.0.0.9', rogue.url('ip')]]);
  });

  it('with `from`, an answer from another host is passed over and told; the gateway that answers after it is taken', async () => {
    responder.configure({ mode: 'rogueFirst' });
    const ignored = [];
    const gateways = await discoverGateways(ctx(), { ...target(), first: true, from: ['127.0.0.1'], onIgnored: (g) => ignored.push(g) });
    assert.deepEqual(gateways.map((g) => [g.address, g.location]), [['127.0.0.1', router.url('ip')]]);
    assert.deepEqual(ignored.map((g) => [g.address, g.location]), [['127.0.0.9', rogue.url('ip')]]);
  });

  it('lookupUpnp with upnp://: a rogue device answering first is ignored; the default gateway is asked', async () => {
    responder.configure({ mode: 'rogueFirst' });
    const answer = await lookupUpnp({}, ctx(), { discover: target(), ...gatewayIsRouter });
    assert.deepEqual(answer, { texts: ['203.0.113.46'], kind: 'addresses' });
    assert.equal(rogue.requests.length, 0, 'nothing was asked of the rogue device');
    assert.equal(router.requests.length, 2);
  });

  it('lookupUpnp with upnp://: only a rogue device answering is ENOADDR, naming it and the gateway', async () => {
    responder.configure({ mode: 'rogueOnly' });
    await assert.rejects(
      lookupUpnp({}, ctx({ timeoutMs: 1000 }), { discover: target(), ...gatewayIsRouter }),
      expectError('ENOADDR', { message: /^UPnP answer from 127\.0\.0\.9 ignored: not the default gateway 127\.0\.0\.1, and the gateway did not answer/ }),
    );
    assert.equal(rogue.requests.length, 0);
    assert.equal(router.requests.length, 0);
  });

  it('lookupUpnp with upnp:// and several default gateways: the error names them all', async () => {
    responder.configure({ mode: 'rogueOnly' });
    await assert.rejects(
      lookupUpnp({}, ctx({ timeoutMs: 1000 }), { discover: target(), defaultGateways: async () => ['127.0.0.1', '127.0.0.3'] }),
      expectError('ENOADDR', { message: /^UPnP answer from 127\.0\.0\.9 ignored: not a default gateway \(127\.0\.0\.1, 127\.0\.0\.3\)/ }),
    );
  });

  it('lookupUpnp with upnp:// and no default gateway: ENETWORK, no search sent', async () => {
    await assert.rejects(
      lookupUpnp({}, ctx(), { discover: target(), defaultGateways: async () => [] }),
      expectError('ENETWORK', { message: /no IPv4 default gateway found \(\/proc\/net\/route\).*upnp:\/\/HOST:PORT\/PATH/, retryable: true }),
    );
    assert.equal(responder.requests.length, 0);
  });

  it('lookupUpnp with upnp://HOST:PORT/PATH asks that host, whatever the default gateway', async () => {
    const answer = await lookupUpnp(parseUpnpOrigin(new URL(router.origin('ip'))), ctx(), { defaultGateways: async () => [] });
    assert.deepEqual(answer, { texts: ['203.0.113.46'], kind: 'addresses' });
    assert.equal(responder.requests.length, 0, 'no discovery');
  });
});

// ---------------------------------------------------------------- the default gateway

describe('sources/default-gateway: the route table', () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const { parseRouteTable, readDefaultGateways } = require('../../dist/sources/default-gateway');
  const HEAD = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';
  const row = (iface, destination, gateway, flags, metric, mask) => [iface, destination, gateway, flags, 0, 0, metric, mask, 0, 0, 0].join('\t');
  // as a little-endian Linux writes them: 0101A8C0 is 192.168.1.1
  const TABLE = [
    HEAD,
    row('eth0', '00000000', '0101A8C0', '0003', 600, '00000000'),
    row('eth0', '0001A8C0', '00000000', '0001', 600, '00FFFFFF'), // the LAN itself: no gateway
    row('wlan0', '00000000', 'FE00000A', '0003', 100, '00000000'), // a second uplink with a lower metric: 10.0.0.254
    row('ppp0', '00000000', '00000000', '0001', 50, '00000000'), // a point-to-point default: no router named
    row('eth1', '00000000', '0101A8C0', '0003', 700, '00000000'), // the same gateway again
    row('eth0', '0010A8C0', '0101A8C0', '0003', 0, '00FFFFFF'), // a route through the gateway, not the default one
    row('eth2', '00000000', '0202A8C0', '0002', 0, '00000000'), // not up
  ].join('\n');

  it('lists the default routes\' gateways, lowest metric first, each once; other routes and gateway-less defaults are left out', () => {
    assert.deepEqual(parseRouteTable(TABLE, true), ['10.0.0.254', '192.168.1.1']);
  });

  it('reads the words in big-endian order on a big-endian host', () => {
    assert.deepEqual(parseRouteTable([HEAD, row('eth0', '00000000', 'C0A80101', '0003', 0, '00000000')].join('\n'), false), ['192.168.1.1']);
  });

  it('reads a route table file it is pointed at; none when there is no such file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddns-route-'));
    try {
      const file = path.join(dir, 'route');
      fs.writeFileSync(file, [HEAD, row('eth0', '00000000', os.endianness() === 'LE' ? '0101A8C0' : 'C0A80101', '0003', 0, '00000000'), ''].join('\n'));
      assert.deepEqual(await readDefaultGateways(file), ['192.168.1.1']);
      assert.deepEqual(await readDefaultGateways(path.join(dir, 'missing')), []);
      fs.writeFileSync(file, HEAD + '\n');
      assert.deepEqual(await readDefaultGateways(file), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------- real multicast, in a namespace

// Runs inside the namespace: a fake router (HTTP on ROUTER, SSDP on the group
// 239.255.255.250:1900 joined on the interface that holds ROUTER) and the
// compiled client, which discovers by real multicast. Prints one JSON line.
const CHILD = `
'use strict';
(async () => {
  const s = JSON.parse(process.argv[1]);
  const { lookupUpnp, parseUpnpOrigin } = require(s.root + '/dist/sources/upnp');
  const { discoverGateways } = require(s.root + '/dist/sources/ssdp');
  const fake = require(s.root + '/test/servers/fake-igd');
  const router = await fake.start({ host: s.router, address: '203.0.113.44' });
  const rogue = await fake.start({ host: s.rogue, address: '198.51.100.66' });
  const responder = await fake.startSsdp({
    multicast: { port: 1900, interface: s.router }, location: router.url('ip'), mode: s.mode, rogueFrom: s.rogue, rogueLocation: rogue.url('ip'),
  });
  const ctx = () => ({ signal: new AbortController().signal, timeoutMs: s.timeoutMs, family: 'ipv4', localAddress: s.bind });
  const error = (e) => ({ code: e.code, message: e.message });
  const out = {};
  try { out.gateways = await discoverGateways(ctx(), { windowMs: s.windowMs }); } catch (e) { out.discoverError = error(e); }
  try { out.answer = await lookupUpnp(parseUpnpOrigin(new URL('upnp://')), ctx()); } catch (e) { out.lookupError = error(e); }
  out.searches = responder.requests.map((r) => ({ address: r.address, first: r.first, headers: r.headers }));
  out.routerRequests = router.requests.map((r) => ({ method: r.method, path: r.path, address: r.address, soapAction: r.soapAction }));
  out.rogueRequests = rogue.requests.length;
  out.location = router.url('ip');
  out.rogueLocation = rogue.url('ip');
  await responder.close();
  await router.close();
  await rogue.close();
  process.stdout.write(JSON.stringify(out) + '\\n');
})().catch((e) => { process.stderr.write(String((e && e.stack) || e)); process.exit(2); });
`;

describe('sources/ssdp: real multicast discovery inside a network namespace', function () {
  const ns = `ddns-ssdp-${crypto.randomBytes(4).toString('hex')}`;
  const ROUTER = '192.168.77.1';
  const CLIENT = '192.168.77.10';
  const UPLINK2 = '192.168.77.2';
  const ROGUE = '192.168.77.9'; // another device on the LAN
  const children = new Set();
  const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

  before(function () {
    requireRoot(this, 'SSDP multicast inside a network namespace');
    // as root no skip: if namespaces do not work here, this fails and says why
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    // the client's LAN address first (the one an unbound search leaves from), the router's, a second uplink's
    ip('-n', ns, 'addr', 'add', `${CLIENT}/32`, 'dev', 'lo');
    ip('-n', ns, 'addr', 'add', `${ROUTER}/32`, 'dev', 'lo');
    ip('-n', ns, 'addr', 'add', `${UPLINK2}/32`, 'dev', 'lo');
    ip('-n', ns, 'addr', 'add', `${ROGUE}/32`, 'dev', 'lo');
  });

  after(() => {
    for (const child of children) child.kill('SIGKILL');
    try {
      ip('netns', 'del', ns);
    } catch {
      // already gone
    }
  });

  function multicastRoute(present) {
    if (present) ip('-n', ns, 'route', 'replace', '239.0.0.0/8', 'dev', 'lo');
    else if (ip('-n', ns, 'route', 'show', '239.0.0.0/8').trim() !== '') ip('-n', ns, 'route', 'del', '239.0.0.0/8', 'dev', 'lo');
  }

  // the namespace's default route, via the router: the client reads it from its own /proc/net/route
  function defaultRoute(present) {
    if (present) ip('-n', ns, 'route', 'replace', 'default', 'via', ROUTER);
    else if (ip('-n', ns, 'route', 'show', 'default').trim() !== '') ip('-n', ns, 'route', 'del', 'default');
  }

  function runInNamespace(scenario) {
    const settings = { root: ROOT, router: ROUTER, rogue: ROGUE, mode: 'answer', timeoutMs: 3000, windowMs: 1200, ...scenario };
    return new Promise((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', CHILD, JSON.stringify(settings)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        children.delete(child);
        if (code !== 0) return reject(new Error(`namespace child ended with ${code ?? signal}: ${stderr || stdout}`));
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop()));
        } catch (err) {
          reject(new Error(`namespace child printed no JSON: ${stdout} ${stderr}`));
        }
      });
    });
  }

  it('the namespace is ours alone: its only interface is lo', () => {
    const links = ip('-n', ns, '-o', 'link', 'show').trim().split('\n');
    assert.equal(links.length, 1);
    assert.match(links[0], /: lo:/);
  });

  it('discovers the router by multicast M-SEARCH and asks it for the external address', async () => {
    multicastRoute(true);
    defaultRoute(true);
    const out = await runInNamespace({});
    assert.equal(out.discoverError, undefined, JSON.stringify(out.discoverError));
    assert.deepEqual(
      out.gateways.map((g) => [g.location, g.address]),
      [[out.location, ROUTER]],
    );
    assert.equal(out.lookupError, undefined, JSON.stringify(out.lookupError));
    assert.deepEqual(out.answer, { texts: ['203.0.113.44'], kind: 'addresses' });
    const search = out.searches[0];
    assert.equal(search.first, 'M-SEARCH * HTTP/1.1');
    assert.equal(search.headers.host, '239.255.255.250:1900');
    assert.equal(search.headers.man, '"ssdp:discover"');
    assert.equal(search.headers.mx, '2');
    assert.equal(search.headers.st, IGD_DEVICE_TYPE);
    const soap = out.routerRequests.find((r) => r.method === 'POST');
    assert.equal(soap.soapAction, `"${IP1}#GetExternalIPAddress"`);
  });

  it('with a bind address, the search and the HTTP requests leave from it', async () => {
    multicastRoute(true);
    defaultRoute(true);
    const out = await runInNamespace({ bind: UPLINK2 });
    assert.deepEqual(out.answer, { texts: ['203.0.113.44'], kind: 'addresses' }, JSON.stringify(out.lookupError));
    assert.ok(out.searches.length > 0);
    for (const search of out.searches) assert.equal(search.address, UPLINK2);
    assert.ok(out.routerRequests.length > 0);
    for (const request of out.routerRequests) assert.equal(request.address, UPLINK2);
  });

  it('without a multicast or default route, an unbound search cannot leave, and the lookup has no gateway to ask: ENETWORK', async () => {
    multicastRoute(false);
    defaultRoute(false);
    const out = await runInNamespace({});
    assert.equal(out.discoverError && out.discoverError.code, 'ENETWORK');
    assert.match(out.discoverError.message, /ENETUNREACH/);
    assert.equal(out.lookupError && out.lookupError.code, 'ENETWORK');
    assert.match(out.lookupError.message, /no IPv4 default gateway found/);
    assert.equal(out.searches.length, 0);
  });

  it('without a multicast route, a bound search leaves through the bind address\'s interface', async () => {
    multicastRoute(false);
    defaultRoute(true);
    const out = await runInNamespace({ bind: UPLINK2 });
    assert.equal(out.discoverError, undefined, JSON.stringify(out.discoverError));
    assert.equal(out.gateways.length, 1);
    assert.deepEqual(out.answer, { texts: ['203.0.113.44'], kind: 'addresses' }, JSON.stringify(out.lookupError));
    for (const search of out.searches) assert.equal(search.address, UPLINK2);
  });

  it('decoys on the multicast group are ignored; the real gateway wins', async () => {
    multicastRoute(true);
    defaultRoute(true);
    const out = await runInNamespace({ mode: 'decoysFirst' });
    assert.deepEqual(out.gateways.map((g) => g.location), [out.location]);
    assert.deepEqual(out.answer, { texts: ['203.0.113.44'], kind: 'addresses' }, JSON.stringify(out.lookupError));
  });

  // issue 22.7; DESIGN.md: "UPnP discovery takes answers from the default gateway (or the origin's host) only."
  it('a rogue device answering the multicast search first is ignored: the default gateway is asked', async () => {
    multicastRoute(true);
    defaultRoute(true);
    const out = await runInNamespace({ mode: 'rogueFirst' });
    assert.deepEqual(
      out.gateways.map((g) => [g.address, g.location]),
      [
        [ROGUE, out.rogueLocation],
        [ROUTER, out.location],
      ],
      'both answered, the rogue first',
    );
    assert.deepEqual(out.answer, { texts: ['203.0.113.44'], kind: 'addresses' }, JSON.stringify(out.lookupError));
    assert.equal(out.rogueRequests, 0, 'nothing was asked of the rogue device');
  });

  it('only a rogue device answering: ENOADDR naming it and the default gateway', async () => {
    multicastRoute(true);
    defaultRoute(true);
    const out = await runInNamespace({ mode: 'rogueOnly', timeoutMs: 1500 });
    assert.equal(out.lookupError && out.lookupError.code, 'ENOADDR', JSON.stringify(out));
    assert.match(out.lookupError.message, /^UPnP answer from 192\.168\.77\.9 ignored: not the default gateway 192\.168\.77\.1/);
    assert.equal(out.rogueRequests, 0);
    assert.equal(out.routerRequests.length, 0);
  });

  it('no router answering: an empty discovery and ETIMEDOUT for the lookup', async () => {
    multicastRoute(true);
    defaultRoute(true);
    const out = await runInNamespace({ mode: 'silent', timeoutMs: 1200, windowMs: 600 });
    assert.deepEqual(out.gateways, []);
    assert.equal(out.lookupError && out.lookupError.code, 'ETIMEDOUT');
    assert.ok(out.searches.length >= 2, 'the searches reached the group');
    assert.equal(out.routerRequests.length, 0);
  });
});
