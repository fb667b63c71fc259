/**
 * Live pages: `draw` runs now and then every `ms` after the previous draw ended (never two at once),
 * while the tab is visible. A failed draw is shown by the page itself and tried again next time.
 */
export function every(ms, draw) {
  let timer;
  const tick = async () => {
    clearTimeout(timer);
    try {
      await draw();
    } finally {
      if (!document.hidden) timer = setTimeout(tick, ms);
    }
  };
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void tick();
  });
  void tick();
  return { now: tick };
}
