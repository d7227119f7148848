'use strict';
// A home router's UPnP IGD on loopback (or on an address inside a test's own
// network namespace): an HTTP server with device descriptions shaped like the
// ones miniupnpd and a Fritz!Box serve, SOAP control endpoints that answer
// GetExternalIPAddress, and an SSDP responder that answers M-SEARCH.
//
// Descriptions, at /desc/<variant>.xml:
//   ip       IGD:1 > WANDevice:1 > WANConnectionDevice:1 > WANIPConnection:1 (miniupnpd shape), controlURL "/ctl/IPConn"
//   ip2      IGD:2 > WANDevice:2 > WANConnectionDevice:2 > WANIPConnection:2, controlURL "/ctl/IPConn2"
//   ppp      IGD:1 with WANPPPConnection:1 only, absolute controlURL "http://HOST:PORT/upnp/control/WANPPPConn1"
//   both     Fritz!Box shape: WANIPConnection:1 and WANPPPConnection:1 side by side (/igdupnp/control/...)
//   urlbase  URLBase "http://HOST:PORT/base/" and a relative controlURL "ctl/IPConn": only /base/ctl/IPConn exists
//   nowan    a media server: no WAN connection service at all
//   elsewhere         controlURL "ELSEWHERE/ctl/IPConn": on another host (settings.elsewhere, default
//                     http://169.254.169.254), as a hostile device would send the lookup
//   urlbaseElsewhere  URLBase "ELSEWHERE/" and a relative controlURL "ctl/IPConn"
// Control modes (settings.mode, or settings.modes[path] for one endpoint):
//   answer (settings.address), empty, zero (0.0.0.0), fault501, fault606, faultNoCode,
//   http500 (plain text), http404, hang, garbage, notAddress, fault200 (a fault with status 200)
// Description modes (settings.descriptionMode): normal, hang, http404, garbage
// Every request is recorded: method, path, soapAction, contentType, address (peer), body.
const http = require('node:http');
const { bindUdp } = require('../support/udp-sockets');

const UPNP = 'urn:schemas-upnp-org';
const IGD1 = `${UPNP}:device:InternetGatewayDevice:1`;
const SSDP_ADDRESS = '239.255.255.250';

function service(type, id, control, scpd) {
  return `<service>
<serviceType>${UPNP}:service:${type}</serviceType>
<serviceId>urn:upnp-org:serviceId:${id}</serviceId>
<controlURL>${control}</controlURL>
<eventSubURL>/evt/${id}</eventSubURL>
<SCPDURL>/${scpd}.xml</SCPDURL>
</service>`;
}

function device(type, name, services, embedded = '') {
  return `<device>
<deviceType>${UPNP}:device:${type}</deviceType>
<friendlyName>${name}</friendlyName>
<manufacturer>Fake IGD &amp; Co.</manufacturer>
<manufacturerURL>http://www.example.com/</manufacturerURL>
<modelName>FakeIGD</modelName>
<modelNumber>1</modelNumber>
<UDN>uuid:00000000-0000-0000-0000-${String(name.length).padStart(12, '0')}</UDN>
<serviceList>
${services.join('\n')}
</serviceList>${embedded ? `\n<deviceList>\n${embedded}\n</deviceList>` : ''}
</device>`;
}

/** InternetGatewayDevice > WANDevice > WANConnectionDevice > the given connection services. */
function gateway(version, connectionServices, { urlBase } = {}) {
  const connection = device(`WANConnectionDevice:${version}`, 'WANConnectionDevice', connectionServices);
  const wan = device(
    `WANDevice:${version}`,
    'WANDevice',
    [service('WANCommonInterfaceConfig:1', 'WANCommonIFC1', '/ctl/CmnIfCfg', 'WANCfg')],
    connection,
  );
  const root = device(
    `InternetGatewayDevice:${version}`,
    'FakeIGD router',
    [service('Layer3Forwarding:1', 'L3Forwarding1', '/ctl/L3F', 'L3F')],
    wan,
  );
  return `<?xml version="1.0"?>
<!-- a router's root description -->
<root xmlns="urn:schemas-upnp-org:device-1-0" configId="1337">
<specVersion><major>1</major><minor>1</minor></specVersion>${urlBase ? `\n<URLBase>${urlBase}</URLBase>` : ''}
${root}
</root>
`;
}

function descriptions(base) {
  return {
    ip: {
      xml: gateway(1, [service('WANIPConnection:1', 'WANIPConn1', '/ctl/IPConn', 'WANIPCn')]),
      controls: { '/ctl/IPConn': `${UPNP}:service:WANIPConnection:1` },
    },
    ip2: {
      xml: gateway(2, [service('WANIPConnection:2', 'WANIPConn1', '/ctl/IPConn2', 'WANIPCn')]),
      controls: { '/ctl/IPConn2': `${UPNP}:service:WANIPConnection:2` },
    },
    ppp: {
      xml: gateway(1, [service('WANPPPConnection:1', 'WANPPPConn1', `${base}/upnp/control/WANPPPConn1`, 'WANPPPCn')]),
      controls: { '/upnp/control/WANPPPConn1': `${UPNP}:service:WANPPPConnection:1` },
    },
    both: {
      xml: gateway(1, [
        service('WANIPConnection:1', 'WANIPConn1', '/igdupnp/control/WANIPConn1', 'igdconnSCPD'),
        service('WANPPPConnection:1', 'WANPPPConn1', '/igdupnp/control/WANPPPConn1', 'igdconnSCPD'),
      ]),
      controls: {
        '/igdupnp/control/WANIPConn1': `${UPNP}:service:WANIPConnection:1`,
        '/igdupnp/control/WANPPPConn1': `${UPNP}:service:WANPPPConnection:1`,
      },
    },
    urlbase: {
      xml: gateway(1, [service('WANIPConnection:1', 'WANIPConn1', 'ctl/IPConn', 'WANIPCn')], { urlBase: `${base}/base/` }),
      controls: { '/base/ctl/IPConn': `${UPNP}:service:WANIPConnection:1` },
    },
    nowan: {
      xml: `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
<specVersion><major>1</major><minor>0</minor></specVersion>
${device('MediaServer:1', 'Fake media server', [service('ContentDirectory:1', 'ContentDirectory', '/ctl/ContentDir', 'ContentDir')])}
</root>
`,
      controls: {},
    },
  };
}

function envelope(body) {
  return `<?xml version="1.0"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>${body}</s:Body></s:Envelope>
`;
}

function answer(serviceType, address) {
  return envelope(
    `<u:GetExternalIPAddressResponse xmlns:u="${serviceType}"><NewExternalIPAddress>${address}</NewExternalIPAddress></u:GetExternalIPAddressResponse>`,
  );
}

function fault(code, description) {
  return envelope(`<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>
<UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>${code}</errorCode><errorDescription>${description}</errorDescription></UPnPError>
</detail></s:Fault>`);
}

/**
 * options.host: where to listen (default 127.0.0.1)
 * options.address: the external address answered (default 203.0.113.45)
 */
async function start(options = {}) {
  const host = options.host || '127.0.0.1';
  const settings = { address: options.address || '203.0.113.45', mode: 'answer', modes: {}, descriptionMode: 'normal', elsewhere: 'http://169.254.169.254' };
  const requests = [];
  let variants = {};

  function reply(res, status, body, type = 'text/xml; charset="utf-8"') {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), server: 'Linux/5.4 UPnP/1.1 FakeIGD/1.0' });
    res.end(body);
  }

  function control(req, res, path, serviceType, body) {
    const expected = `"${serviceType}#GetExternalIPAddress"`;
    // like miniupnpd: an action it does not know, or one for another service, is 401 Invalid Action
    if (req.headers.soapaction !== expected || !/<(\w+:)?GetExternalIPAddress\b/.test(body)) {
      return reply(res, 500, fault(401, 'Invalid Action'));
    }
    const mode = settings.modes[path] || settings.mode;
    switch (mode) {
      case 'answer':
        return reply(res, 200, answer(serviceType, settings.address));
      case 'empty':
        return reply(res, 200, answer(serviceType, ''));
      case 'zero':
        return reply(res, 200, answer(serviceType, '0.0.0.0'));
      case 'fault501':
        return reply(res, 500, fault(501, 'Action Failed'));
      case 'fault606':
        return reply(res, 500, fault(606, 'Action not authorized'));
      case 'faultNoCode':
        return reply(res, 500, envelope('<s:Fault><faultcode>s:Server</faultcode><faultstring>Internal failure</faultstring></s:Fault>'));
      case 'fault200':
        return reply(res, 200, fault(501, 'Action Failed'));
      case 'http500':
        return reply(res, 500, 'Internal Server Error\n', 'text/plain');
      case 'http404':
        return reply(res, 404, 'Not Found\n', 'text/plain');
      case 'garbage':
        return reply(res, 200, 'this is not <xml at all & never was', 'text/plain');
      case 'notAddress':
        return reply(res, 200, answer(serviceType, 'connected'));
      case 'hang':
        return undefined; // never answers; close() ends the connection
      default:
        throw new Error(`unknown control mode ${mode}`);
    }
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = new URL(req.url, 'http://x').pathname;
      requests.push({
        method: req.method,
        path,
        soapAction: req.headers.soapaction,
        contentType: req.headers['content-type'],
        address: req.socket.remoteAddress,
        body,
      });
      const desc = /^\/desc\/(\w+)\.xml$/.exec(path);
      if (req.method === 'GET' && desc && (desc[1] === 'elsewhere' || desc[1] === 'urlbaseElsewhere')) {
        const xml =
          desc[1] === 'elsewhere'
            ? gateway(1, [service('WANIPConnection:1', 'WANIPConn1', `${settings.elsewhere}/ctl/IPConn`, 'WANIPCn')])
            : gateway(1, [service('WANIPConnection:1', 'WANIPConn1', 'ctl/IPConn', 'WANIPCn')], { urlBase: `${settings.elsewhere}/` });
        return reply(res, 200, xml);
      }
      if (req.method === 'GET' && desc && variants[desc[1]]) {
        switch (settings.descriptionMode) {
          case 'hang':
            return undefined;
          case 'http404':
            return reply(res, 404, 'Not Found\n', 'text/plain');
          case 'garbage':
            return reply(res, 200, '\u0000\u0001 binary junk <<<>>> ', 'application/octet-stream');
          default:
            return reply(res, 200, variants[desc[1]].xml);
        }
      }
      if (req.method === 'POST') {
        for (const variant of Object.values(variants)) {
          if (variant.controls[path]) return control(req, res, path, variant.controls[path], body);
        }
      }
      return reply(res, 404, 'Not Found\n', 'text/plain');
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address();
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  variants = descriptions(base);

  return {
    host,
    port,
    base,
    requests,
    /** the description URL of a variant */
    url(variant = 'ip') {
      return `${base}/desc/${variant}.xml`;
    },
    /** the upnp:// origin text of a variant */
    origin(variant = 'ip') {
      return `upnp://${host.includes(':') ? `[${host}]` : host}:${port}/desc/${variant}.xml`;
    },
    configure(changes) {
      Object.assign(settings, changes);
    },
    reset() {
      Object.assign(settings, { address: options.address || '203.0.113.45', mode: 'answer', modes: {}, descriptionMode: 'normal', elsewhere: 'http://169.254.169.254' });
      requests.length = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------- SSDP responder


function parseRequest(text) {
  const [first, ...lines] = text.split('\r\n');
  const headers = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { first, headers };
}

function searchReply(st, location, extra = {}) {
  const lines = [
    extra.status || 'HTTP/1.1 200 OK',
    'CACHE-CONTROL: max-age=120',
    `ST: ${st}`,
    `USN: uuid:00000000-0000-0000-0000-000000000014::${st}`,
    'EXT:',
    'SERVER: Linux/5.4 UPnP/1.1 FakeIGD/1.0',
    `LOCATION: ${location}`,
    'OPT: "http://schemas.upnp.org/upnp/1/0/"; ns=01',
    '',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/**
 * Answers M-SEARCH for the IGD (or ssdp:all) with a unicast 200 OK whose
 * LOCATION is options.location.
 * options.host/port: where to listen (unicast; default 127.0.0.1, a free port)
 * options.multicast: { port: 1900, interface: ADDRESS } to listen on the SSDP
 *   group on the interface that holds ADDRESS (only inside a test's namespace)
 * options.replyFrom: the address replies leave from (default host, or the
 *   multicast interface address: the router's own address, as LOCATION names it)
 * options.rogueFrom: an address of another LAN device that answers too, from
 *   its own socket, with a well-formed reply whose LOCATION (rogueLocation, on
 *   that address) is its own: only the default-gateway rule turns it away
 * mode: answer, silent, dropFirst, decoysFirst (replies that must be ignored,
 *   then the real one), decoysOnly, rogueFirst (the rogue device's reply, then
 *   the real one), rogueOnly
 */
async function startSsdp(options = {}) {
  const settings = { location: options.location, mode: options.mode || 'answer', rogueLocation: options.rogueLocation };
  const requests = [];
  let socket;
  let replySocket;
  if (options.multicast) {
    socket = await bindUdp('0.0.0.0', options.multicast.port || 1900, true);
    socket.addMembership(SSDP_ADDRESS, options.multicast.interface);
    replySocket = await bindUdp(options.replyFrom || options.multicast.interface, 0);
  } else {
    socket = await bindUdp(options.host || '127.0.0.1', options.port || 0);
    replySocket = options.replyFrom ? await bindUdp(options.replyFrom, 0) : socket;
  }
  const rogueSocket = options.rogueFrom ? await bindUdp(options.rogueFrom, 0) : undefined;
  const from = replySocket.address().address;

  function decoys(st) {
    const location = new URL(settings.location);
    const elsewhere = new URL(settings.location);
    elsewhere.hostname = from === '127.0.0.1' ? '127.0.0.9' : '192.0.2.1'; // another host than the sender
    return [
      searchReply('urn:schemas-upnp-org:device:MediaRenderer:1', settings.location), // another device type
      searchReply(st, elsewhere.href), // LOCATION on another host
      searchReply(st, settings.location, { status: 'HTTP/1.1 404 Not Found' }),
      searchReply(st, `https://${location.host}${location.pathname}`), // not http://
      Buffer.from('NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNTS: ssdp:alive\r\n\r\n'),
      Buffer.from('\u0000 not ssdp at all'),
    ];
  }

  socket.on('message', (data, peer) => {
    const text = data.toString('latin1');
    const { first, headers } = parseRequest(text);
    requests.push({ address: peer.address, port: peer.port, text, first, headers });
    if (first !== 'M-SEARCH * HTTP/1.1' || headers.man !== '"ssdp:discover"') return;
    if (headers.st !== IGD1 && headers.st !== 'ssdp:all') return;
    const searches = requests.filter((r) => r.address === peer.address && r.port === peer.port).length;
    const send = (buffer) => replySocket.send(buffer, peer.port, peer.address);
    switch (settings.mode) {
      case 'silent':
        return;
      case 'dropFirst':
        if (searches === 1) return;
        return send(searchReply(IGD1, settings.location));
      case 'decoysOnly':
        return decoys(IGD1).forEach(send);
      case 'decoysFirst':
        decoys(IGD1).forEach(send);
        return send(searchReply(IGD1, settings.location));
      case 'rogueFirst':
      case 'rogueOnly': {
        rogueSocket.send(searchReply(IGD1, settings.rogueLocation), peer.port, peer.address);
        // the router answers a moment later, so the rogue's reply is surely the first one read
        if (settings.mode !== 'rogueFirst') return;
        setTimeout(() => {
          try {
            send(searchReply(IGD1, settings.location));
          } catch {
            // closed meanwhile: the test is over
          }
        }, 50);
        return;
      }
      default:
        return send(searchReply(IGD1, settings.location));
    }
  });

  const { address, port } = socket.address();
  return {
    address,
    port,
    replyFrom: from,
    requests,
    configure(changes) {
      Object.assign(settings, changes);
    },
    close() {
      const all = [socket, replySocket, rogueSocket].filter((s, i, every) => s && every.indexOf(s) === i);
      return Promise.all(all.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}

module.exports = { start, startSsdp, IGD1, SSDP_ADDRESS };
