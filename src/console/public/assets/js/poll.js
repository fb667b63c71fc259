/**
 * Live pages: `draw` runs now and then every `ms` after the previous draw ended (never two at once),
 * while the tab is visible. A failed draw is shown by the page itself and tried again next time.
 * `draw({poll})`: `poll` is true for the timer's draws, whose reads must say so (api.js getJson's
 * `poll`) so that they do not keep an unattended session alive; the first draw, a draw when the tab
 * comes back and `now()` (after the person acted) are the person's.
 */
export function every(ms, draw) {
  let timer;
  const tick = async ({ poll = false } = {}) => {
    clearTimeout(timer);
    try {
      await draw({ poll });
    } finally {
      if (!document.hidden) timer = setTimeout(() => tick({ poll: true }), ms);
    }
  };
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void tick();
  });
  void tick();
  return { now: () => tick() };
}
