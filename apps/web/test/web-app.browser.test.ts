// Browser test of the web app on both runtime shapes: the embedded host in this process (PGlite,
// every service, the demo data seeded, the demo traffic off) and a distributed cluster (every
// service its own process, Postgres, NATS, Redis, the gateway in front), the app as the gateway
// serves it, and Debian's Chromium driving it. One journey, run against each; screenshots go to
// test-artifacts/web/, named by shape.
import type { DemoAccount } from '@ordo/cli/host';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eEnv, SHAPES, type Shape, startShape } from '../../../test/e2e/support/shapes.js';
import { ensureWebBuild } from '../scripts/ensure-build.js';
import { launchChromium, screenshot as saveScreenshot } from './browser.js';

// The saga confirms an order in well under a second here; this only bounds a broken run.
const SAGA_MS = 45_000;

describe.each(SHAPES)('web app in Chromium (%s shape)', (shape: Shape) => {
  let env: E2eEnv;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Only the embedded demo offers its accounts on the sign-in page. */
  const offersDemoAccounts = shape === 'embedded';
  const screenshot = (page: Page, name: string, options?: { fullPage?: boolean }) =>
    saveScreenshot(page, `${shape}-${name}`, options);
  const account = (role: DemoAccount['role'], restaurantId?: string): DemoAccount => {
    const found = env.accounts.find((a) => a.role === role && (!restaurantId || a.restaurantId === restaurantId));
    if (!found) throw new Error(`no demo ${role} account`);
    return found;
  };

  beforeAll(async () => {
    await ensureWebBuild();
    // Every courier and several pages log in from 127.0.0.1 within a minute: the shapes use limits
    // that never refuse.
    env = await startShape(shape);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await env?.close();
  });

  // Uncaught exceptions and console errors (a Content-Security-Policy violation is one) of every
  // page; failed requests the app handles itself (a 404 of the stream, a 401) are not errors here.
  const pageErrors: string[] = [];

  async function openPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        pageErrors.push(message.text());
      }
    });
    return page;
  }

  /**
   * Signs in with a demo account: the embedded demo offers it on the sign-in page; elsewhere the
   * person types the credentials they were given.
   */
  async function signIn(page: Page, who: 'customer' | { restaurant: string; restaurantId: string }): Promise<void> {
    await page.goto(`${env.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    if (!offersDemoAccounts) {
      const { email, password } = who === 'customer' ? account('customer') : account('restaurant', who.restaurantId);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
    } else if (who === 'customer') {
      await page.getByRole('button', { name: 'Use the demo customer' }).click();
    } else {
      await page.getByText('Restaurant staff').click();
      await page.getByRole('listitem').filter({ hasText: who.restaurant }).getByRole('button', { name: 'Use' }).click();
    }
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  /** From the restaurant list: two currywursts to Alexanderplatz with the approving test card. */
  async function orderCurrywurst(page: Page): Promise<string> {
    await page.getByRole('link', { name: /Curry Corner/ }).click();
    await page.getByRole('heading', { name: 'Curry Corner' }).waitFor();
    const add = page.getByRole('button', { name: 'Add Currywurst', exact: true });
    await add.click();
    await add.click();
    expect(await page.getByTestId('cart-total').textContent()).toBe('€9.00');
    await page.getByLabel('Deliver to').selectOption({ label: 'Alexanderplatz 1, Berlin' });
    await page.getByLabel(/Visa test card/).check();
    await page.getByRole('button', { name: 'Pay €9.00' }).click();
    await page.waitForURL(/\/orders\/[^/]+$/);
    return decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
  }

  it(`when the sign-in page opens, then it ${offersDemoAccounts ? 'offers' : 'does not offer'} the demo customer’s credentials`, async () => {
    const page = await openPage();
    const config = page.waitForResponse((res) => new URL(res.url()).pathname === '/app-config.json');
    await page.goto(`${env.url}/orders`);
    await page.waitForURL(/\/sign-in\?next=%2Forders$/);
    const { demoAccounts } = (await (await config).json()) as { demoAccounts: DemoAccount[] };
    if (offersDemoAccounts) {
      const customer = account('customer');
      expect(await page.getByTestId('demo-email').textContent()).toBe(customer.email);
      expect(await page.getByTestId('demo-password').textContent()).toBe(customer.password);
    } else {
      // The app renders what /app-config.json says: no accounts there, no demo card on the page.
      expect(demoAccounts).toEqual([]);
      await page.getByLabel('Email').waitFor();
      expect(await page.getByRole('heading', { name: 'Demo accounts' }).count()).toBe(0);
      expect(await page.getByTestId('demo-email').count()).toBe(0);
    }
    await screenshot(page, 'sign-in');
  });

  it('when a wrong password is entered, then the sign-in page says so and stays', async () => {
    const page = await openPage();
    await page.goto(`${env.url}/sign-in`);
    await page.getByLabel('Email').fill('customer@demo.ordo.dev');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /./ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('when the customer orders from a menu and pays, then the order page shows it CONFIRMED with restaurant, destination, courier and route on the map', async () => {
    const page = await openPage();
    await signIn(page, 'customer');
    const orderId = await orderCurrywurst(page);

    await page.getByTestId('order-status').filter({ hasText: 'Confirmed' }).waitFor({ timeout: SAGA_MS });
    await page.locator('[data-status="CONFIRMED"].is-done').waitFor();
    const map = page.locator('figure.map');
    await map.locator('[data-marker="restaurant"]').waitFor();
    await map.locator('[data-marker="destination"]').waitFor();
    await map.locator('[data-testid="route"]').waitFor();
    // A courier is assigned by the time the order is confirmed: their marker is on the map.
    // (Live positions come with GET /v1/orders/:id/track; until then it stands at the pickup.)
    const courier = map.locator('[data-marker="courier"]');
    await courier.waitFor();
    expect(await courier.locator('title').textContent()).toMatch(/^Courier/);
    expect(await map.getByRole('img').getAttribute('aria-label')).toMatch(/courier/);
    expect(await page.getByRole('button', { name: 'Cancel order' }).isEnabled()).toBe(true);
    await screenshot(page, 'order-desktop');

    // Phone width: everything fits the screen, nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await courier.waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'order-phone', { fullPage: true });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My orders' }).click();
    const row = page.locator(`a[href="/orders/${orderId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Curry Corner');
    await screenshot(page, 'orders-phone');
    expect(pageErrors).toEqual([]);
  });

  async function restaurantIdOf(name: string): Promise<string> {
    const res = await fetch(`${env.url}/v1/restaurants?limit=200`);
    const { restaurants } = (await res.json()) as { restaurants: Array<{ id: string; name: string }> };
    const found = restaurants.find((r) => r.name === name);
    if (!found) throw new Error(`no restaurant ${name}`);
    return found.id;
  }

  /** Signs in as the demo courier the order went to; their token and delivery id. */
  async function courierOf(orderId: string): Promise<{ token: string; deliveryId: string }> {
    for (const courier of env.accounts.filter((a) => a.role === 'courier')) {
      const client = await env.login(courier.email, courier.password);
      const { body } = await client.get<{ current: { id: string; orderId: string } | null }>('/v1/courier/jobs');
      if (body.current?.orderId === orderId) return { token: client.token, deliveryId: body.current.id };
    }
    throw new Error(`no demo courier has order ${orderId}`);
  }

  it('when the courier drives, then the courier marker moves on the order page between two screenshots', async () => {
    const page = await openPage();
    await signIn(page, 'customer');
    const orderId = await orderCurrywurst(page);
    await page.getByTestId('order-status').filter({ hasText: 'Confirmed' }).waitFor({ timeout: SAGA_MS });
    await page.locator('figure.map [data-marker="courier"]').waitFor();
    const { token, deliveryId } = await courierOf(orderId);
    // The courier app's pings: from Curry Corner's street towards Alexanderplatz.
    const ping = async (lat: number, lng: number) => {
      const res = await fetch(`${env.url}/v1/couriers/me/locations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ deliveryId, pings: [{ at: new Date().toISOString(), lat, lng }] }),
      });
      expect(res.status).toBe(202);
    };
    await ping(52.5145, 13.401);
    const live = page.locator('figure.map [data-marker="courier"][data-approximate="false"]');
    await expect.poll(() => live.getAttribute('data-lat'), { timeout: 15_000 }).toBe('52.5145');
    const before = await live.getAttribute('style');
    await screenshot(page, 'courier-before');
    await ping(52.5195, 13.4095);
    await expect.poll(() => live.getAttribute('data-lat'), { timeout: 15_000 }).toBe('52.5195');
    expect(await live.getAttribute('style')).not.toBe(before);
    await screenshot(page, 'courier-after');
    await expect.poll(() => page.getByTestId('eta').textContent(), { timeout: 15_000 }).toMatch(/\d/);
    expect(pageErrors).toEqual([]);
  });

  it('when the customer cancels a confirmed order, then it ends CANCELLED and can no longer be cancelled', async () => {
    const page = await openPage({ width: 390, height: 844 });
    await signIn(page, 'customer');
    await orderCurrywurst(page);
    await page.getByTestId('order-status').filter({ hasText: 'Confirmed' }).waitFor({ timeout: SAGA_MS });
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByRole('button', { name: 'Yes, cancel' }).click();
    await page.getByTestId('order-status').filter({ hasText: 'Cancelled' }).waitFor({ timeout: SAGA_MS });
    expect(await page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
    await page.locator('[data-status="CANCELLED"].is-failed').waitFor();
  });

  it('when restaurant staff open their board, then they accept a new ticket and mark it ready', async () => {
    const customer = await openPage();
    await signIn(customer, 'customer');
    const orderId = await orderCurrywurst(customer);
    await customer.getByTestId('order-status').filter({ hasText: 'Confirmed' }).waitFor({ timeout: SAGA_MS });

    const staff = await openPage();
    await signIn(staff, { restaurant: 'Curry Corner', restaurantId: await restaurantIdOf('Curry Corner') });
    await staff.waitForURL(/\/kitchen$/);
    const reference = `#${orderId.replace(/-/g, '').slice(-8).toUpperCase()}`;
    const ticket = (column: string) =>
      staff.getByRole('region', { name: new RegExp(`^${column}`) }).locator('li.ticket', { hasText: reference });
    await ticket('New').getByRole('button', { name: 'Accept' }).click();
    await ticket('Cooking').getByRole('button', { name: 'Mark ready' }).click();
    await ticket('Ready for pickup').waitFor();
    await screenshot(staff, 'kitchen');
  });
});
