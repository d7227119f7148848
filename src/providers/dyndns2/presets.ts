/**
 * Well-known DynDNS2 providers for the `dyndns2-account` editor: the update URL
 * and how each takes IPv6. Every entry was checked against the public source
 * named beside it; providers whose DynDNS2 endpoint could not be confirmed are
 * left out (LuaDNS: its documented API is REST/JSON and no page of LuaDNS names
 * a DynDNS2 endpoint; DuckDNS: not DynDNS2; Google Domains: shut down).
 * FreeDNS/afraid.org is offered for its /nic/update with the account login;
 * its token URL (sync.afraid.org/u/TOKEN) has its own answers and is not DynDNS2.
 */
import type { DualStackMode } from './types';

/**
 * What a provider does differently from Dyn's protocol, as far as a client must
 * care. Travels from the account's preset choice into the provider settings.
 */
export interface PresetQuirks {
  /** HTTP 204 with an empty body means "no change" (selfHOST.de), not an unreadable answer */
  noContentIsNochg?: boolean;
  /**
   * What an update with IPv6 and no IPv4 must do: `myip-no` sends `myip=no` (Dynu
   * otherwise fills the A record from the request's source address); `refuse`
   * sends nothing (INWX otherwise sets the A record to 127.0.0.1) unless the
   * account is declared IPv6-only.
   */
  ipv6Alone?: 'myip-no' | 'refuse';
  /**
   * `preserve`: a request that carries one family says `myipv4=preserve` or
   * `myipv6=preserve` for the other. deSEC otherwise fills the missing record
   * from the request's source address, or deletes it
   * (https://desec.readthedocs.io/en/latest/dyndns/update-api.html).
   */
  absentFamily?: 'preserve';
}

export interface Dyndns2Preset {
  id: string;
  label: string;
  /** update URL, as `dyndns2-account.server` takes it */
  server: string;
  /** how the provider takes both families; only meaningful when `ipv6` is true */
  dualStack: DualStackMode;
  /** false: only IPv4 updates through this endpoint were confirmed */
  ipv6: boolean;
  /** what to put in the credentials and any quirk, for the editor */
  note: string;
  /** the provider's own page about its update protocol, where one was seen */
  docs?: string;
  quirks?: PresetQuirks;
}

export const DYNDNS2_PRESETS: readonly Dyndns2Preset[] = [
  {
    // URL, and "A and AAAA hostnames updated individually or dual-stacked": https://noip.com/integrate/request
    // IPv6 inside myip (myip=V4,V6), never myipv6: ddclient's nic_noip_update builds "myip=$ipv4,$ipv6",
    // qdm12/ddns-updater's noip provider sends IPv6 in myip (citing Dyn's "use commas to separate multiple
    // IP addresses in the myip field"), inadyn registers No-IP's IPv6 update with its myip= request; and
    // No-IP's own answer page echoes "both ips ... in a comma separated list" when both are supplied:
    // https://www.noip.com/integrate/response. No-IP's pages that could be read name no myipv6 parameter;
    // one third-party script sends myipv6 to this endpoint (github.com/scopedog/noip-duc-ipv6-freebsd), none
    // of the three peer clients does.
    // User-Agent "NameOfUpdateProgram/VersionNumber maintainercontact@domain.com": the account's contact.
    id: 'noip',
    label: 'No-IP',
    server: 'https://dynupdate.no-ip.com/nic/update',
    dualStack: 'combined',
    ipv6: true,
    note: 'User name: your No-IP account e-mail (or a DDNS key user name); password: its password or DDNS key. No-IP asks every client for a contact e-mail in its User-Agent: fill in Contact.',
    docs: 'https://www.noip.com/integrate/request',
  },
  {
    // URL and Basic auth: https://www.dynu.com/DynamicDNS/IP-Update-Protocol
    // myipv6: https://github.com/openwrt/packages/pull/4712, https://github.com/troglobit/inadyn/issues/478,
    // https://github.com/ddclient/ddclient/issues/475 (all citing Dynu's protocol page)
    id: 'dynu',
    label: 'Dynu',
    server: 'https://api.dynu.com/nic/update',
    // myip=no on an update without IPv4, or Dynu sets the A record from the request's source address:
    // ddclient's nic_dynu_update ("prevent server auto-detecting v4"), t/protocol_dynu.pl "IPv6 only"
    dualStack: 'myipv6',
    ipv6: true,
    note: 'User name and password (or its MD5) of your Dynu account. An update without an IPv4 address sends myip=no, so Dynu leaves the A record as it is.',
    docs: 'https://www.dynu.com/DynamicDNS/IP-Update-Protocol',
    quirks: { ipv6Alone: 'myip-no' },
  },
  {
    // URL: https://help.dyn.com/remote-access-api/perform-update
    // myip=V4,V6 in one request (a single-family request drops the other record):
    // https://github.com/openwrt/packages/issues/17875, https://github.com/ddclient/ddclient/issues/475
    id: 'dyn',
    label: 'Dyn (dyndns.org)',
    server: 'https://members.dyndns.org/nic/update',
    dualStack: 'combined',
    ipv6: true,
    note: 'User name: your Dyn account; password: the updater client key.',
    docs: 'https://help.dyn.com/remote-access-api/perform-update/',
  },
  {
    // URL with system=dyndns: https://github.com/openwrt/packages/issues/24111, http://help.ovh.co.uk/DynDns
    // IPv6 through the same myip= parameter ("la nouvelle adresse IPv4 ou IPv6"): https://github.com/ovh/docs/pull/6337
    id: 'ovh',
    label: 'OVHcloud DynHost',
    server: 'https://www.ovh.com/nic/update?system=dyndns',
    dualStack: 'separate',
    ipv6: true,
    note: 'User name: the DynHost identifier (domain-suffix); password: its password. One DynHost per record.',
    docs: 'http://help.ovh.co.uk/DynDns',
  },
  {
    // URL and myip=V4,V6 example from Strato's FAQ, quoted in https://github.com/qdm12/ddns-updater/issues/116;
    // URL also in https://support.lancom-systems.com/knowledge/display/KBEN/ (Strato DynDNS action table)
    // user = "a domain from your package", host = the (sub)domain to update: Strato's FAQ quoted in
    // https://github.com/ddclient/ddclient/issues/391; inadyn registers the same server for IPv4 and IPv6
    // (plugins/changeip.c, default@strato.com)
    id: 'strato',
    label: 'STRATO',
    server: 'https://dyndns.strato.com/nic/update',
    dualStack: 'combined',
    ipv6: true,
    note: 'User name: a domain of your package (e.g. example.de), also when a sub-domain is updated; password: the DynDNS password set for it in the STRATO customer login, where DynDNS must be switched on for each (sub)domain.',
    docs: 'https://www.strato.com/faq/en_us/domain/this-is-how-easy-it-is-to-set-up-dyndns-for-your-domains/',
  },
  {
    // URL and "with the additional myipv6 parameter" (INWX's words): https://github.com/ddclient/ddclient/issues/96
    // both families in one request, a missing one is cleared: https://github.com/astlinux-project/ddclient-curl/pull/10
    // without myip INWX sets the A record to 127.0.0.1; an account INWX support converted to IPv6-only has none:
    // ddclient's nic_inwx_examples, and nic_inwx_update refuses an IPv6 update without IPv4 unless usev4=disabled
    id: 'inwx',
    label: 'INWX',
    server: 'https://dyndns.inwx.com/nic/update',
    dualStack: 'myipv6',
    ipv6: true,
    note: 'User name and password of the DynDNS account created in the INWX web interface. An IPv6 update needs the IPv4 address too (without it INWX sets the A record to 127.0.0.1): send both, or tick "IPv6-only account" if INWX converted the account.',
    quirks: { ipv6Alone: 'refuse' },
  },
  {
    // URL and Basic auth: https://dyndns.variomedia.de ("myip=127.0.0.1,::1" for both families)
    id: 'variomedia',
    label: 'Variomedia',
    server: 'https://dyndns.variomedia.de/nic/update',
    dualStack: 'combined',
    ipv6: true,
    note: 'User name: the e-mail address of your customer account; password: the DynDNS password from the DNS settings.',
    docs: 'https://dyndns.variomedia.de',
  },
  {
    // URL, Basic auth with the token, myipv6: https://ipv64.net/dyndns_updater_api
    id: 'ipv64',
    label: 'ipv64.net',
    server: 'https://ipv64.net/nic/update',
    dualStack: 'myipv6',
    ipv6: true,
    note: 'Either user name or password must be the domain update token (the other may be anything).',
    docs: 'https://ipv64.net/dyndns_updater_api',
  },
  {
    // URL and one request per family with myip=<v4> and myip=<v6>:
    // https://gist.github.com/meineerde/689f7f8746f0424b17be36e98f273e59,
    // https://gist.github.com/cuihaoleo/9b4fd1ff9c89eb27dcd4e666b3656ef1
    // ddclient's nic_henet_update (https://github.com/ddclient/ddclient, ddclient.in): "The IPv4 and IPv6
    // addresses must be updated in separate API call", one host a request, login => the host name itself,
    // password => that host's key; qdm12/ddns-updater's he provider logs in with the FQDN the same way.
    // A key belongs to one record, so one account cannot serve two host names.
    id: 'he',
    label: 'Hurricane Electric (dns.he.net)',
    server: 'https://dyn.dns.he.net/nic/update',
    dualStack: 'separate',
    ipv6: true,
    note: 'User name: the host name itself (e.g. home.example.com); password: the DDNS key of that host\'s record at dns.he.net (give its A and AAAA records the same key). Each host has its own key: make one account per host name.',
  },
  {
    // URL with dyndns2 protocol (server carol.selfhost.de, per selfhost FAQ 113):
    // https://github.com/ddclient/ddclient/issues/394, https://github.com/ddclient/ddclient/issues/414
    // how it takes IPv6 could not be confirmed: IPv4 only here
    // HTTP 204 with an empty body for "no change": qdm12/ddns-updater's selfhostde provider ("see their PDF file")
    id: 'selfhost',
    label: 'selfHOST.de',
    server: 'https://carol.selfhost.de/nic/update',
    dualStack: 'separate',
    ipv6: false,
    note: 'User name and password of the DynDNS account from the selfHOST customer area. IPv4 updates only. Its empty "204" answer means no change.',
    docs: 'https://selfhost.de/cgi-bin/selfhost?p=faq&show=113',
    quirks: { noContentIsNochg: true },
  },
  {
    // "We implemented the dyn.com Remote Access API ... It can only be used to update the IPv4 address":
    // https://dynv6.com/docs/apis
    // the zone's HTTP token as password, no user name needed (ddclient's example uses login=none):
    // ddclient's nic_dyndns2_examples and https://github.com/ddclient/ddclient/issues/94
    id: 'dynv6',
    label: 'dynv6 (IPv4 only through DynDNS2)',
    server: 'https://dynv6.com/nic/update',
    dualStack: 'separate',
    ipv6: false,
    note: "User name: anything (e.g. none); password: the zone's HTTP token. dynv6's DynDNS2 endpoint only updates IPv4 (its own update API at /api/update also takes IPv6).",
    docs: 'https://dynv6.com/docs/apis',
  },
  {
    // URL, Basic auth with user name = the domain (or the account e-mail) and a token as password,
    // myipv4/myipv6, "preserve", and "good" as the answer: https://desec.readthedocs.io/en/latest/dyndns/update-api.html
    // (desec-io/desec-stack docs/dyndns/update-api.rst; the path "can be chosen freely"). Its view
    // (api/desecapi/views/dyndns.py) sets a family the request does not name from the source address or
    // deletes it, so the other family goes as preserve, as qdm12/ddns-updater's desec provider sends it.
    // Errors are HTTP statuses with a DynDNS2 word as body (401 badauth, 404 nohost), read like any server's.
    id: 'desec',
    label: 'deSEC (dedyn.io)',
    server: 'https://update.dedyn.io/nic/update',
    dualStack: 'myipv6',
    ipv6: true,
    note: 'User name: the domain (e.g. example.dedyn.io) or your deSEC account e-mail; password: a deSEC token, not the account password. An update of one family says "preserve" for the other, so deSEC keeps that record instead of setting it from the request\'s source address or deleting it. Host names of one request must belong to one domain.',
    docs: 'https://desec.readthedocs.io/en/latest/dyndns/update-api.html',
    quirks: { absentFamily: 'preserve' },
  },
  {
    // dyndns2 with server=dyndns.kasserver.com and the KAS DDNS login (Tools > DDNS settings), IPv4 and
    // IPv6 (dual stack switched on in KAS): ddclient's nic_dyndns2_examples and ddclient.conf.in
    // (https://github.com/ddclient/ddclient/pull/923). One request per family, the address in myip:
    // inadyn's plugins/all-inkl.c registers the same myip= request for IPv4 and IPv6; qdm12/ddns-updater's
    // allinkl provider also sends one family a request. Login "usually starts with dyn": ddns-updater docs/allinkl.md
    id: 'allinkl',
    label: 'ALL-INKL.COM (KAS)',
    server: 'https://dyndns.kasserver.com/nic/update',
    dualStack: 'separate',
    ipv6: true,
    note: 'User name: the DDNS login created in KAS under Tools > DDNS settings (usually dyn…); password: its password. For IPv6, switch on dual stack for the host in KAS; IPv4 and IPv6 go in separate requests.',
  },
  {
    // ddnss.de's DynDNS2-compatible /nic/update with the account's user name and password (its key only works
    // with its own upd.php): ddclient's nic_dyndns2_examples ("Uses HTTP Basic Auth with the standard dyndns2
    // /nic/update endpoint. For dual-stack, repeat the stanza twice"), https://github.com/ddclient/ddclient/issues/577
    // citing https://ddnss.de/info.php; upd.php takes the families apart too (inadyn's plugins/ddnss.c,
    // ddclient's nic_ddnss_update, qdm12/ddns-updater's ddnss provider), so one request per family.
    id: 'ddnss',
    label: 'ddnss.de',
    server: 'https://ddnss.de/nic/update',
    dualStack: 'separate',
    ipv6: true,
    note: 'User name and password of your ddnss.de account (the update key only works with ddnss\'s own upd.php URL, not here). IPv4 and IPv6 go in separate requests.',
    docs: 'https://ddnss.de/info.php',
  },
  {
    // "http://[USERNAME]:[PASSWORD]@freedns.afraid.org/nic/update?hostname=[DOMAIN]&myip=[IP] (https/SSL is
    // also optionally supported)": FreeDNS's clients page https://freedns.afraid.org/scripts/freedns.clients.php,
    // quoted in https://github.com/ddclient/ddclient/issues/279 (a working config in ddclient issue #283).
    // ddclient's own freedns protocol and inadyn's default@freedns.afraid.org use the token interface instead;
    // how /nic/update takes IPv6 could not be confirmed: IPv4 only here.
    id: 'freedns',
    label: 'FreeDNS (afraid.org)',
    server: 'https://freedns.afraid.org/nic/update',
    dualStack: 'separate',
    ipv6: false,
    note: 'User name and password of your FreeDNS account (not the token of its sync.afraid.org URLs). IPv4 updates only.',
    docs: 'https://freedns.afraid.org/scripts/freedns.clients.php',
  },
];

export function findPreset(id: string): Dyndns2Preset | undefined {
  return DYNDNS2_PRESETS.find((p) => p.id === id);
}

/**
 * The quirks that apply: those of the preset the account chose, or, for an
 * account set up by hand ("Other DynDNS2 server"), of the preset whose update
 * URL has the same host. An id this version does not know (a flow from a newer
 * one) brings none.
 */
export function quirksFor(presetId: string | undefined, server: URL): PresetQuirks {
  if (presetId) return findPreset(presetId)?.quirks ?? {};
  const sameHost = DYNDNS2_PRESETS.find((p) => new URL(p.server).host === server.host);
  return sameHost?.quirks ?? {};
}
