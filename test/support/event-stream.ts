/** Reads the API's server-sent events as they arrive: `{ event, data }` per message, data parsed as JSON. */
export interface StreamedEvent {
  event: string;
  data: unknown;
}

export async function collectEvents(
  url: string,
  token: string,
): Promise<{ events: StreamedEvent[]; close(): Promise<void> }> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const events: StreamedEvent[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    events,
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}
