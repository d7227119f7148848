// The editor toolkit of node-red-contrib-ddns, served by Node-RED under
// resources/node-red-contrib-ddns/, for every dialog of the package: the
// hand-written ones (nodes/*.html) and those generated from a provider's
// descriptor (scripts/generate-provider-nodes.js, through registerProvider).
// One collapsible "More settings" section, one rule that a property missing
// from a flow made by an older version validates (and shows) as its default,
// one URL check with a note in plain words, and the validators of
// resources/ddns-rules.js (generated at build from the runtime's own rules), so
// that every dialog accepts exactly what the runtime accepts; and the three
// settings of the check at the name servers (verify) every updater has.
(function () {
    "use strict";
    if (window.DdnsEditor) { return; }
    var SOURCES = ["str", "env", "msg", "flow", "global"];

    function addStyle() {
        if (document.getElementById("ddns-editor-style")) { return; }
        var style = document.createElement("style");
        style.id = "ddns-editor-style";
        style.textContent = [
            "a.ddns-section-toggle, a.ddns-section-toggle:hover, a.ddns-section-toggle:focus { color: var(--red-ui-text-color); text-decoration: none; font-weight: bold; }",
            "a.ddns-section-toggle i { width: 12px; }",
            ".ddns-section-summary { margin-left: 8px; color: var(--red-ui-secondary-text-color); font-size: 0.9em; }",
            ".ddns-section { border-left: 2px solid var(--red-ui-secondary-border-color); padding-left: 6px; }",
            // 100px (Node-RED's label width) less the section's 8px indent: inputs line up with those above
            ".red-ui-editor .ddns-section .form-row > label:first-child { width: 92px; }",
            ".ddns-section .form-tips { margin-bottom: 10px; }",
            ".red-ui-editor .form-tips.ddns-field-note { margin: 6px 0 0 104px; }"
        ].join("\n");
        document.head.appendChild(style);
    }

    /** A validator wrapper: a property missing from an older flow is valid, the runtime takes its default then. */
    function orMissing(check) {
        return function (v, opt) { return v === undefined || v === null || check.call(this, v, opt); };
    }

    /** A node from an older flow lacks some properties: its dialog shows their defaults, as the runtime uses them. */
    function fillMissing(node, prefix) {
        var defaults = node._def.defaults;
        Object.keys(defaults).forEach(function (p) {
            var d = defaults[p].value;
            if (node[p] === undefined && d !== undefined && typeof d !== "boolean" && !defaults[p].type) {
                $("#node-" + (prefix || "input") + "-" + p).val(d);
            }
        });
    }

    /** The value a dialog field holds now: a TypedInput's, a checkbox's, or the input's own. */
    function fieldValue($input) {
        if ($input.length === 0) { return undefined; }
        if ($input.is(":checkbox")) { return $input.prop("checked"); }
        if ($input.data("noderedTypedInput")) { return $input.typedInput("value"); }
        return $input.val();
    }

    /**
     * A collapsible section: markup `a#ID-toggle.ddns-section-toggle`, `#ID-summary`
     * and `div#ID.ddns-section`. Closed unless one of `fields` ({name, default})
     * differs from its default; closed, it names the changed settings in the summary
     * (`summaryKey` with __names__, labels from `labelKey + name`).
     */
    function section(node, options) {
        addStyle();
        var prefix = options.prefix || "input";
        var $body = $("#" + options.id);
        var $toggle = $("#" + options.id + "-toggle");
        var $summary = $("#" + options.id + "-summary");
        function changed() {
            return (options.fields || []).filter(function (f) {
                var v = fieldValue($("#node-" + prefix + "-" + f.name));
                if (v === undefined || v === null) { return false; }
                var text = String(v).trim().replace(/^\//, "");
                var fallback = f.default === undefined || f.default === null ? "" : String(f.default);
                return typeof v === "boolean" ? v !== (f.default === true) : text !== "" && text !== fallback;
            });
        }
        function show(open) {
            $body.toggle(open);
            $toggle.attr("aria-expanded", open ? "true" : "false");
            $toggle.find("i").first().toggleClass("fa-caret-down", open).toggleClass("fa-caret-right", !open);
            var set = changed();
            $summary.text(!open && set.length > 0 && options.summaryKey
                ? node._(options.summaryKey, { names: set.map(function (f) { return node._(options.labelKey + f.name); }).join(", ") })
                : "");
        }
        $toggle.attr({ role: "button", "aria-controls": options.id });
        $toggle.on("click", function (e) {
            e.preventDefault();
            show(!$body.is(":visible"));
        });
        show(changed().length > 0);
        return { show: show, changed: changed };
    }

    /**
     * A URL property's validator (parseServerUrl's rules): true, or with Node-RED
     * 3.1+ asking (`opt`) the reason in words from `messages` (a catalog prefix,
     * e.g. "node-red-contrib-ddns/aliyun-account:aliyun-account.errors.").
     */
    function urlValidator(options, messages) {
        options = options || {};
        return function (v, opt) {
            if (v === undefined || v === null) { return !options.required || options.missingOk === true; }
            var problem = window.DdnsRules.urlProblem(v, options);
            if (problem === "") { return true; }
            if (!opt || !messages) { return false; }
            var key = messages + problem;
            var text = RED._(key);
            return text && text !== key ? text : false;
        };
    }

    /** A note under a URL field that says at once, as the user types, what is wrong (`keyPrefix` + the problem). */
    function urlNote(node, $input, $note, options, keyPrefix) {
        addStyle();
        function explain() {
            // an empty field is marked by its own red border; the note is for what was written
            var problem = window.DdnsRules.urlProblem($input.val(), options);
            if (problem === "empty") { problem = ""; }
            var text = problem ? node._(keyPrefix + problem) : "";
            if (text === keyPrefix + problem) { text = node._(keyPrefix + "invalid"); }
            $note.text(text).toggle(!!problem);
        }
        $input.on("change keyup input", explain);
        explain();
    }

    /** The check of a generated field, by its descriptor rule. */
    function fieldValidator(field, prefix) {
        var rules = window.DdnsRules;
        return function (v) {
            if (v === undefined) { return true; }
            var type = field.typed ? ($("#node-" + prefix + "-" + field.name + "Type").val() || this[field.name + "Type"] || "str") : "str";
            if (type !== "str") { return true; }
            if (v === "" || v === null) { return !field.required; }
            switch (field.rule) {
                case "zone": return rules.zone(v);
                case "zone-or-id": return rules.zoneOrId(v, field.idPattern);
                case "hostnames": return rules.hostnames(v);
                case "hosts": return rules.hosts(v);
                case "url": return rules.url(v);
                case "number": return rules.number(v, field.min, field.max);
                default:
                    if (field.options) { return field.options.indexOf(v) >= 0; }
                    if (field.kind === "number") { return rules.number(v, field.min === undefined ? -Infinity : field.min, field.max === undefined ? Infinity : field.max); }
                    return true;
            }
        };
    }

    function defaultsOf(fields, prefix) {
        var out = {};
        (fields || []).forEach(function (f) {
            out[f.name] = { value: f.default !== undefined ? f.default : (f.kind === "checkbox" ? false : ""), validate: fieldValidator(f, prefix) };
            if (f.typed) { out[f.name + "Type"] = { value: "str" }; }
        });
        return out;
    }

    function prepareFields(node, fields, prefix, key) {
        (fields || []).forEach(function (f) {
            var $input = $("#node-" + prefix + "-" + f.name);
            if (f.typed) {
                $input.typedInput({ default: "str", types: SOURCES, typeField: "#node-" + prefix + "-" + f.name + "Type" });
            } else if (f.options) {
                $input.typedInput({ types: [{ value: f.name, options: f.options.map(function (o) { return { value: o, label: node._(key + ".options." + f.name + "." + o) }; }) }] });
            } else if (f.kind === "number") {
                $input.spinner({ min: f.min, max: f.max });
            }
        });
    }

    /**
     * The settings every updater has for checking its records at the zone's
     * name servers (src/sources/record-check.ts checkSettings): `verify` empty
     * (auto) or auto, off, name servers host[:port]; seconds to keep asking
     * after a write (1..3600); minutes between drift checks (0.01..1440).
     */
    var VERIFY_FIELDS = [
        { name: "verify", default: "" },
        { name: "verifyTimeout", default: 120 },
        { name: "verifyAfter", default: 10 }
    ];

    function verifyDefaults() {
        return {
            verify: { value: "", validate: orMissing(function (v) { return window.DdnsRules.verify(v); }) },
            verifyTimeout: { value: 120, validate: orMissing(function (v) { return window.DdnsRules.number(v, 1, 3600); }) },
            verifyAfter: { value: 10, validate: orMissing(function (v) { return window.DdnsRules.number(v, 0.01, 1440, { whole: false }); }) }
        };
    }

    function prepareVerify() {
        $("#node-input-verifyTimeout").spinner({ min: 1, max: 3600 });
        $("#node-input-verifyAfter").spinner({ min: 0.01, max: 1440, step: 1 });
    }

    function registerProvider(spec) {
        var accountType = spec.kind + "-account";
        var updaterType = spec.kind + "-ddns";
        var credentials = {};
        spec.credentials.forEach(function (c) { credentials[c.name] = { type: c.kind === "password" ? "password" : "text", required: c.required }; });
        var accountDefaults = $.extend({
            name: { value: "" },
            tls: { type: "tls-config", required: false }
        }, defaultsOf(spec.accountSettings, "config-input"));
        var urlMessages = "node-red-contrib-ddns/" + spec.kind + ":" + accountType + ".errors.";
        if (spec.endpoint !== undefined && spec.endpoint !== null) {
            accountDefaults.endpoint = { value: spec.endpoint, validate: urlValidator({}, urlMessages) };
        }
        RED.nodes.registerType(accountType, {
            category: "config",
            defaults: accountDefaults,
            credentials: credentials,
            label: function () { return this.name || spec.title; },
            oneditprepare: function () {
                if (!this.tls) { $("#node-config-input-tls").val("_ADD_"); }
                fillMissing(this, "config-input");
                prepareFields(this, spec.accountSettings, "config-input", accountType);
                if (spec.endpoint !== undefined && spec.endpoint !== null) {
                    urlNote(this, $("#node-config-input-endpoint"), $("#" + accountType + "-endpoint-note"), {}, accountType + ".errors.");
                }
                section(this, {
                    id: accountType + "-more",
                    prefix: "config-input",
                    fields: [{ name: "endpoint", default: spec.endpoint }, { name: "tls", default: "_ADD_" }].concat(spec.accountSettings || []),
                    summaryKey: accountType + ".section.changed",
                    labelKey: accountType + ".label."
                });
            },
            oneditsave: function () {
                if ($("#node-config-input-tls").val() === "_ADD_") { $("#node-config-input-tls").val(""); }
            }
        });

        var u = spec.updater;
        var updaterDefaults = $.extend({
            name: { value: "" },
            account: { value: "", type: accountType, required: true },
            hostnames: { value: "", validate: fieldValidator({ name: "hostnames", typed: true, rule: u.hostnamesRule || "hostnames" }, "input") },
            hostnamesType: { value: "str" },
            recordType: { value: "auto", validate: function (v) { return v === undefined || u.recordTypes.indexOf(v) >= 0; } },
            dryRun: { value: false }
        }, defaultsOf(u.settings, "input"), verifyDefaults());
        if (u.zone) {
            var zoneField = u.zoneIdPattern ? { name: "zone", typed: true, rule: "zone-or-id", idPattern: u.zoneIdPattern } : { name: "zone", typed: true, rule: "zone" };
            updaterDefaults.zone = { value: "", validate: fieldValidator(zoneField, "input") };
            updaterDefaults.zoneType = { value: "str" };
        }
        if (u.ttl) {
            updaterDefaults.ttl = { value: "", validate: function (v) {
                if (v === undefined || v === null || String(v).trim() === "") { return true; }
                if (u.ttl.values) { return u.ttl.values.indexOf(+String(v).trim()) >= 0 && /^\s*\d+\s*$/.test(String(v)); }
                return window.DdnsRules.number(v, u.ttl.min, u.ttl.max);
            } };
        }
        RED.nodes.registerType(updaterType, {
            category: "network",
            color: spec.color,
            defaults: updaterDefaults,
            inputs: 1,
            outputs: 1,
            icon: "ddns.svg",
            paletteLabel: spec.kind + " ddns",
            label: function () {
                return this.name || (this.hostnamesType === "str" || !this.hostnamesType ? this.hostnames : "") || this.zone || spec.kind + " ddns";
            },
            labelStyle: function () { return this.name ? "node_label_italic" : ""; },
            oneditprepare: function () {
                var node = this;
                fillMissing(node, "input");
                if (u.zone) { $("#node-input-zone").typedInput({ default: "str", types: SOURCES, typeField: "#node-input-zoneType" }); }
                $("#node-input-hostnames").typedInput({ default: "str", types: SOURCES, typeField: "#node-input-hostnamesType" });
                $("#node-input-recordType").typedInput({ types: [{ value: "recordType", options: u.recordTypes.map(function (t) {
                    return { value: t, label: t === "auto" ? node._(updaterType + ".recordType.auto") : t };
                }) }] });
                if (u.ttl && u.ttl.values) {
                    // a fixed list (ClouDNS): a choice, the provider's default first
                    var ttlOptions = [{ value: "", label: node._(updaterType + ".label.ttlDefault") }].concat(u.ttl.values.map(function (t) { return { value: String(t), label: String(t) }; }));
                    var current = node.ttl === undefined || node.ttl === null ? "" : String(node.ttl).trim();
                    $("#node-input-ttl").val(current).typedInput({ types: [{ value: "ttl", options: ttlOptions }] });
                } else if (u.ttl) {
                    $("#node-input-ttl").spinner({ min: u.ttl.min, max: u.ttl.max });
                }
                prepareFields(node, u.settings, "input", updaterType);
                prepareVerify();
                section(node, {
                    id: updaterType + "-more",
                    prefix: "input",
                    fields: [{ name: "ttl", default: "" }].concat(u.settings || [], VERIFY_FIELDS),
                    summaryKey: updaterType + ".section.changed",
                    labelKey: updaterType + ".label."
                });
            }
        });
    }

    window.DdnsEditor = {
        registerProvider: registerProvider,
        section: section,
        orMissing: orMissing,
        fillMissing: fillMissing,
        urlValidator: urlValidator,
        urlNote: urlNote,
        addStyle: addStyle,
        verifyDefaults: verifyDefaults,
        prepareVerify: prepareVerify,
        VERIFY_FIELDS: VERIFY_FIELDS,
        SOURCES: SOURCES
    };
})();
