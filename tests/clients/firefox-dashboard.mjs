// The dashboard in stock Firefox ESR (Debian's firefox-esr), driven by puppeteer-core over WebDriver BiDi: sign in,
// the jobs list, a job's page, the run page (a workflow file read into its node table). Prints one JSON object:
// {steps: [...], errors: [...]} where errors are the page's console errors and uncaught exceptions.
// Environment: GANTRY_URL, GANTRY_API_KEY, GANTRY_JOB_ID, GANTRY_WORKFLOW_FILE, FIREFOX (default /usr/bin/firefox-esr).
import puppeteer from 'puppeteer-core';

const base = process.env.GANTRY_URL.replace(/\/$/, '');
const jobId = process.env.GANTRY_JOB_ID;
const steps = [];
const errors = [];
const timeout = 60_000;

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
  headless: true,
  extraPrefsFirefox: { 'browser.shell.checkDefaultBrowser': false, 'app.update.enabled': false, 'toolkit.telemetry.enabled': false },
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(timeout);
  await page.setViewport({ width: 1280, height: 800 });
  page.on('console', message => {
    if (message.type() === 'error' && !message.text().includes('401')) errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', error => errors.push(`page: ${error.message ?? error}`));

  await page.goto(`${base}/dashboard/`);
  await page.waitForSelector('#api-key');
  steps.push({ step: 'signin', title: await page.$eval('h1', e => e.textContent) });
  await page.type('#api-key', process.env.GANTRY_API_KEY);
  await page.click('button[type=submit]');

  await page.waitForSelector(`tr[data-job='${jobId}'] .status.completed`);
  steps.push({ step: 'jobs', rows: await page.$$eval('tr[data-job]', rows => rows.length), url: page.url() });

  // The list redraws itself on live events, so follow the row's link by its address rather than by a clicked handle.
  const href = await page.$eval(`tr[data-job='${jobId}'] a`, a => a.getAttribute('href'));
  await page.evaluate(target => { location.hash = target; }, href);
  await page.waitForSelector('#timeline-h');
  await page.waitForSelector('h1 + .status.completed');
  steps.push({ step: 'job', timeline: await page.$eval('.facts', e => e.innerText), images: await page.$$eval('main img', imgs => imgs.filter(i => i.complete && i.naturalWidth > 0).length) });

  await page.evaluate(() => { location.hash = '#/run'; });
  const picker = await page.waitForSelector('#run-file');
  await picker.uploadFile(process.env.GANTRY_WORKFLOW_FILE);
  await page.waitForSelector('button[type=submit].primary');
  steps.push({ step: 'run', title: await page.$eval('h1', e => e.textContent), inputs: await page.$$eval('main input[aria-label]', inputs => inputs.map(i => i.getAttribute('aria-label'))) });
  steps.push({ step: 'browser', version: await browser.version() });
} catch (error) {
  errors.push(`driver, after ${steps.at(-1)?.step ?? 'start'}: ${error.message}`);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ steps, errors }));
