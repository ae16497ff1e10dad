// The virtual subnet with the small test guests (test/disco/guests/net.c): frames between two
// VMs (a whole page-aligned page, an odd-sized unaligned fragment, the header), the source
// address set by the monitor, the counters, and a hostile guest's bad NET_* / REMAP calls
// answered with MERR values while every VM keeps running.
import { describe, expect, it } from '@jest/globals';
import { setup } from './support.js';

const suite = process.env.DISCO_SKIP_DIFFERENTIAL === '1' ? describe.skip : describe;

suite('virtual subnet (test guests)', () => {
  it('switches frames between two VMs; bad calls get errors', () => {
    const { m, vms } = setup([
      { guest: 'net', cmdline: 'ping' },
      { guest: 'net', cmdline: 'pong' },
    ]);
    m.run(400_000_000);
    const [ping, pong] = vms;
    expect(ping.out()).not.toContain('FAIL');
    expect(pong.out()).not.toContain('FAIL');
    expect(ping.out()).toContain('RESULT PASS');
    expect(pong.out()).toContain('RESULT PASS');
    expect(ping.vm.exit).toEqual({ kind: 'poweroff', code: 0 });
    const a = m.vmMetrics(ping.vm).net;
    const b = m.vmMetrics(pong.vm).net;
    const frame = 64 + 4096 + 1001;
    expect(b.framesReceived).toBe(1);
    expect(a.framesReceived).toBe(1);
    expect(b.bytesReceived).toBe(frame);
    expect(b.framesSent).toBe(1);
    // ping: the echo, the two undeliverable frames, and the retries before pong posted
    expect(a.framesSent).toBeGreaterThanOrEqual(3);
    expect(a.drops.noStation).toBe(2);
    // the whole page-aligned page was remapped both ways, the header and the odd fragment copied
    expect(pong.out()).toContain('remapped mask 0x00000002');
    expect(ping.out()).toContain('remapped mask 0x00000002');
    expect(b.pagesRemapped).toBe(1);
    expect(b.bytesCopied).toBe(64 + 1001);
    expect(a.pagesRemapped).toBe(1);
    expect(a.bytesCopied).toBe(64 + 1001);
    // REMAP: one whole page shared, 777 unaligned bytes copied
    expect(a.remapCall).toEqual({ pagesRemapped: 1, bytesCopied: 777 });
    expect(m.vmMetrics(ping.vm).sharing.cowCopies).toBeGreaterThanOrEqual(1);
    expect(m.metrics('t').total.monitorCalls.NET_SEND).toBeGreaterThanOrEqual(4);
  });

  it('copies every fragment when remapping is off, with the same result', () => {
    const { m, vms } = setup([
      { guest: 'net', cmdline: 'ping' },
      { guest: 'net', cmdline: 'pong' },
    ]);
    m.net.remapEnabled = false;
    m.run(400_000_000);
    expect(vms[0].out()).toContain('RESULT PASS');
    expect(vms[1].out()).toContain('RESULT PASS');
    expect(vms[1].out()).toContain('remapped mask 0x00000000');
    const b = m.vmMetrics(vms[1].vm).net;
    expect(b.pagesRemapped).toBe(0);
    expect(b.bytesCopied).toBe(64 + 4096 + 1001);
  });

  it('a flooding VM only fills buffers the receiver posted; without any, everything is dropped', () => {
    const { m, vms } = setup([
      { guest: 'net', cmdline: 'flood' },
      { guest: 'hello', cmdline: 'hello world' },
    ]);
    m.run(400_000_000);
    expect(vms[0].out()).toContain('RESULT PASS');
    expect(vms[1].out()).toContain('RESULT PASS');
    const sink = m.vmMetrics(vms[1].vm).net;
    // the hello VM may have powered off before the flood ended: then frames find no station
    const src = m.vmMetrics(vms[0].vm).net;
    expect(sink.drops.noBuffer + src.drops.noStation).toBe(2000);
    expect(sink.framesReceived).toBe(0);
    expect(sink.bytesCopied).toBe(0);
  });
});
