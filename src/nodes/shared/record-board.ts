/**
 * The DDNS sidebar's board in one import: the rows (board-rows.ts), the board
 * and its live updates (board.ts), the admin routes (board-routes.ts). Each of
 * those does one job; this file only gathers them for the nodes that use all.
 */
export * from './board-rows';
export * from './board';
export * from './board-routes';
