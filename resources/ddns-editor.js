// The editor toolkit of node-red-contrib-ddns, served by Node-RED under
// resources/node-red-contrib-ddns/. It registers a provider's two node types
// from the spec its generated .html hands over (scripts/generate-provider-nodes.js),
// with the same collapsible "More settings" section, defaults for properties a
// flow from an older version lacks, and validators from the runtime's own rules
// (resources/ddns-rules.js, generated at build), in every dialog alike.
(function () {
    "use strict";
    if (window.DdnsEditor) { return; }
    var SOURCES = ["str", "env", "msg", "flow", "global"];

    function addStyle() {
        if (document.getElementById("ddns-editor-style")) { return; }
        var style = document.createElement("style");
        style.id = "ddns-editor-style";
        style.textContent = [
            ".ddns-section { cursor: pointer; font-weight: bold; margin: 12px 0 8px; user-select: none; }",
            ".ddns-section:before { content: '\\25B8'; display: inline-block; width: 14px; }",
            ".ddns-section.open:before { content: '\\25BE'; }",
            ".ddns-section-body { border-left: 2px solid var(--red-ui-secondary-border-color); padding-left: 6px; }",
            ".red-ui-editor .ddns-section-body .form-row > label:first-child { width: 92px; }"
        ].join("\n");
        document.head.appendChild(style);
    }

    /** Collapsible sections: closed unless a setting in them differs from its default. */
    function sections(node, fields) {
        addStyle();
        $(".ddns-section").each(function () {
            var $head = $(this);
            var $body = $head.next(".ddns-section-body");
            var changed = (fields || []).some(function (f) {
                return $body.find("#node-input-" + f.name + ", #node-config-input-" + f.name).length > 0 &&
                    node[f.name] !== undefined && node[f.name] !== "" && node[f.name] !== f.default;
            });
            var show = function (open) { $head.toggleClass("open", open); $body.toggle(open); };
            show(changed);
            $head.on("click", function () { show(!$body.is(":visible")); });
        });
    }

    /** A validator that lets a property missing from an older flow pass as its default. */
    function fieldValidator(field, prefix) {
        var rules = window.DdnsRules;
        return function (v) {
            if (v === undefined) { return true; }
            var type = field.typed ? ($("#node-" + prefix + "-" + field.name + "Type").val() || this[field.name + "Type"] || "str") : "str";
            if (type !== "str") { return true; }
            if (v === "" || v === null) { return !field.required; }
            switch (field.rule) {
                case "zone": return rules.zone(v);
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

    function registerProvider(spec) {
        var accountType = spec.kind + "-account";
        var updaterType = spec.kind + "-ddns";
        var credentials = {};
        spec.credentials.forEach(function (c) { credentials[c.name] = { type: c.kind === "password" ? "password" : "text", required: c.required }; });
        var accountDefaults = $.extend({
            name: { value: "" },
            tls: { type: "tls-config", required: false }
        }, defaultsOf(spec.accountSettings, "config-input"));
        if (spec.endpoint !== undefined && spec.endpoint !== null) {
            accountDefaults.endpoint = { value: spec.endpoint, validate: function (v) { return v === undefined || window.DdnsRules.url(v); } };
        }
        RED.nodes.registerType(accountType, {
            category: "config",
            defaults: accountDefaults,
            credentials: credentials,
            label: function () { return this.name || spec.title; },
            oneditprepare: function () {
                if (!this.tls) { $("#node-config-input-tls").val("_ADD_"); }
                prepareFields(this, spec.accountSettings, "config-input", accountType);
                sections(this, [{ name: "endpoint", default: spec.endpoint }].concat(spec.accountSettings || []));
            },
            oneditsave: function () {
                if ($("#node-config-input-tls").val() === "_ADD_") { $("#node-config-input-tls").val(""); }
            }
        });

        var u = spec.updater;
        var updaterDefaults = $.extend({
            name: { value: "" },
            account: { value: "", type: accountType, required: true },
            hostnames: { value: "", validate: fieldValidator({ name: "hostnames", typed: true, rule: "hostnames" }, "input") },
            hostnamesType: { value: "str" },
            recordType: { value: "auto", validate: function (v) { return v === undefined || u.recordTypes.indexOf(v) >= 0; } },
            dryRun: { value: false }
        }, defaultsOf(u.settings, "input"));
        if (u.zone) {
            updaterDefaults.zone = { value: "", validate: fieldValidator({ name: "zone", typed: true, rule: "zone" }, "input") };
            updaterDefaults.zoneType = { value: "str" };
        }
        if (u.ttl) {
            updaterDefaults.ttl = { value: "", validate: function (v) { return v === undefined || window.DdnsRules.number(v, u.ttl.min, u.ttl.max); } };
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
                if (u.zone) { $("#node-input-zone").typedInput({ default: "str", types: SOURCES, typeField: "#node-input-zoneType" }); }
                $("#node-input-hostnames").typedInput({ default: "str", types: SOURCES, typeField: "#node-input-hostnamesType" });
                $("#node-input-recordType").typedInput({ types: [{ value: "recordType", options: u.recordTypes.map(function (t) {
                    return { value: t, label: t === "auto" ? node._(updaterType + ".recordType.auto") : t };
                }) }] });
                if (u.ttl) { $("#node-input-ttl").spinner({ min: u.ttl.min, max: u.ttl.max }); }
                prepareFields(node, u.settings, "input", updaterType);
                sections(node, [{ name: "ttl", default: "" }].concat(u.settings || []));
            }
        });
    }

    window.DdnsEditor = { registerProvider: registerProvider, sections: sections };
})();
