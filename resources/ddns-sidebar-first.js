// Brings the DDNS records tab (nodes/ddns-sidebar.html, id "ddns-records") to
// the front once per browser: the first time this editor has an updater of the
// package, deployed or loaded with the flows (the "Getting started" tab `npm
// start` deploys on its first start counts). Node-RED lists a plugin's tab last
// in the sidebar's overflow menu, which at 1440x900 is hidden (issue 23.2): a
// new user would not find where the records are. Once shown, here or by the
// user, it is never forced again (remembered in the editor's local settings).
(function () {
    "use strict";
    if (window.DdnsSidebarFirstRun) { return; }
    var TAB = "ddns-records";
    var SHOWN = "ddns-records-shown";
    var MODULE = "node-red-contrib-ddns";
    // the updaters: aliyun-ddns, cloudflare-ddns, <kind>-ddns, dyndns2-update, rfc2136-update
    var UPDATER = /-(ddns|update)$/;

    function isUpdater(type) {
        if (!UPDATER.test(type)) { return false; }
        var def = RED.nodes.getType(type);
        return !!def && def.category !== "config" && (!def.set || def.set.module === MODULE);
    }

    function shownBefore() {
        if (RED.settings.getLocal(SHOWN) === "true") { return true; }
        // the user opened it (Node-RED restores the last tab they chose)
        if (RED.settings.getLocal("last-sidebar-tab") === TAB) {
            RED.settings.setLocal(SHOWN, "true");
            return true;
        }
        return false;
    }

    function showOnce() {
        if (shownBefore()) { return; }
        var found = false;
        RED.nodes.eachNode(function (n) {
            if (!found && isUpdater(n.type)) { found = true; }
        });
        if (!found) { return; }
        RED.settings.setLocal(SHOWN, "true");
        // the plugin's own action: whatever sidebar this Node-RED has, it knows how to show its tab
        RED.actions.invoke("ddns:show-records");
    }

    // after the editor's own choice of tab: once the flows are loaded it shows the last tab used (or info)
    RED.events.on("flows:loaded", function () { setTimeout(showOnce, 0); });
    RED.events.on("deploy", showOnce);
    window.DdnsSidebarFirstRun = { showOnce: showOnce, SHOWN: SHOWN };
})();
