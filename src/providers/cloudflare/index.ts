/**
 * Cloudflare DNS (API v4) for the `cloudflare-account` / `cloudflare-ddns`
 * nodes. No Node-RED import and no Cloudflare SDK: the account node builds one
 * CloudflareClient (with the account's undici dispatcher); the updater node
 * factory runs the provider's `sync` per input and keeps its state.
 */
export { CloudflareClient, DEFAULT_CLOUDFLARE_ENDPOINT, checkApiToken, type CloudflareApi, type CloudflareClientOptions } from './client';
export { createCloudflareProvider, jobsFor, MAX_WAIT_MS, type CloudflareProviderOptions, type CloudflareSettings } from './provider';
export { readCloudflareState } from './state';
export { normaliseZone, parseHostnames, sameZone } from './names';
export { errorFromAnswer, blocksAccount } from './api-errors';
export { DEFAULT_TTL, DEFAULT_VERIFY_AFTER_MS } from './sync';
