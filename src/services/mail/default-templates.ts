import type { MigrationPath } from '../../workflows/device/paths';

/**
 * What Ferry tells the end user on each platform path (SPEC §3), in plain words. Where the source retires
 * or wipes the device, the message names when ({{removalTime}}): the user is told before anything goes.
 * The plain-text and HTML bodies are built from the same content so that they never disagree; an admin
 * can replace either one (see templates.ts). `{{#name}}…{{/name}}` is kept only when `name` has a value.
 */
interface Content {
  subject: string;
  intro: string[];
  steps: string[];
  outro: string[];
  /** The staging QR code, shown in the HTML after the steps (plain text points to the attachment). */
  qrCode?: boolean;
}

const QUESTIONS = 'Questions? Contact {{supportContact}}.';
const KEEP_TOKEN = 'The registration token is personal: do not share it, and use it only on this device.';

const hubSteps = (store: string, removeOld: string, finish: string): string[] => [
  removeOld,
  `Install Workspace ONE Intelligent Hub from ${store}, or open it if it is already on the device.`,
  'In Hub, enter your work email address ({{email}}) or the server address your IT team gave you.',
  'When Hub asks for a registration token, enter: {{registrationToken}}',
  finish,
];

const CONTENT: Record<MigrationPath, Content> = {
  ios_standard: {
    subject: 'Action needed: move your iPhone or iPad ({{serialNumber}}) to the new device management',
    intro: [
      'Your organisation is moving your iPhone or iPad (serial number {{serialNumber}}) to a new device management service. Your personal apps and data stay on the device.',
    ],
    steps: hubSteps(
      'the App Store',
      'Remove the old management profile in Settings > General > VPN & Device Management, or wait until your IT team retires it{{#removalTime}} on {{removalTime}}{{/removalTime}}.',
      'Follow the prompts to install the new management profile. Your work apps and settings come back by themselves.',
    ),
    outro: [KEEP_TOKEN, QUESTIONS],
  },
  ios_ade_standard: {
    subject: 'Action needed: move your iPhone or iPad ({{serialNumber}}) to the new device management',
    intro: [
      'Your organisation is moving your iPhone or iPad (serial number {{serialNumber}}) to a new device management service. The device is not reset: your personal apps and data stay on it.',
    ],
    steps: hubSteps(
      'the App Store',
      'Your IT team retires the old management profile{{#removalTime}} on {{removalTime}}{{/removalTime}}; if Settings > General > VPN & Device Management lets you remove it, you may do so yourself.',
      'Follow the prompts to install the new management profile. Your work apps and settings come back by themselves.',
    ),
    outro: [KEEP_TOKEN, QUESTIONS],
  },
  ios_ade_erase: {
    subject: 'Your iPhone or iPad ({{serialNumber}}) will be reset for the move to the new device management',
    intro: [
      'Your organisation is moving your iPhone or iPad (serial number {{serialNumber}}) to a new device management service. To do this, your device will be reset{{#removalTime}} on {{removalTime}}{{/removalTime}}: everything on it is erased.',
    ],
    steps: [
      'Back up anything personal you want to keep (photos, for example) now.',
      'Keep the device charged and connected to Wi-Fi. The reset starts by itself.',
      'After the reset, the device sets itself up with your organisation’s settings: follow the setup screens.',
      'When asked, sign in with your work account ({{email}}).',
    ],
    outro: [QUESTIONS],
  },
  ios_ade_abm_deadline: {
    subject: 'Your iPhone or iPad ({{serialNumber}}) will move to the new device management',
    intro: [
      'Your organisation is moving your iPhone or iPad (serial number {{serialNumber}}) to a new device management service. With iOS and iPadOS 26 the device does this itself.',
    ],
    steps: [
      'Make sure the device runs iOS or iPadOS 26 or later, is charged and is connected to Wi-Fi.',
      'Before the deadline set by your IT team{{#deadline}} ({{deadline}}){{/deadline}}, the device shows a prompt to migrate to the new device management. Accept it when it suits you.',
      'If you have not migrated by the deadline, the device migrates by itself and may restart: save your work before then.',
    ],
    outro: [QUESTIONS],
  },
  android_token: {
    subject: 'Action needed: move your Android device ({{serialNumber}}) to the new device management',
    intro: [
      'Your organisation is moving your Android device (serial number {{serialNumber}}) to a new device management service. Your personal apps and data stay on the device.',
    ],
    steps: hubSteps(
      'Google Play',
      'Your IT team retires the old management{{#removalTime}} on {{removalTime}}{{/removalTime}} (this removes the old work profile and work apps), or remove it yourself if the old app lets you.',
      'Follow the prompts to set up the new work profile. Your work apps come back by themselves.',
    ),
    outro: [KEEP_TOKEN, QUESTIONS],
  },
  android_fully_managed: {
    subject: 'Your Android device ({{serialNumber}}) will be wiped for the move to the new device management',
    intro: [
      'Your organisation is moving your Android device (serial number {{serialNumber}}) to a new device management service. To do this, your device will be wiped{{#removalTime}} on {{removalTime}}{{/removalTime}}: everything on it is erased.',
    ],
    steps: [
      'Back up anything personal you want to keep now. The wipe starts by itself.',
      'Keep this message where you can see it after the wipe: print it, or open it on another screen. The device cannot show it while it sets itself up.',
      'After the wipe, the device restarts at the welcome screen.',
      'At the welcome screen, tap the same spot six times to open the QR code scanner, connect to Wi-Fi if asked, and scan the QR code in this message{{#qrCodeImage}} (also attached as enrollment-qr.png){{/qrCodeImage}}{{#enrollmentToken}}. If you cannot scan it, enter this enrollment token when asked: {{enrollmentToken}}{{/enrollmentToken}}.',
      'Follow the prompts and sign in with your work account ({{email}}) when asked.',
    ],
    outro: [
      'Do not share this message: its QR code{{#enrollmentToken}} and enrollment token{{/enrollmentToken}} can enroll a device into your organisation.',
      QUESTIONS,
    ],
    qrCode: true,
  },
};

export interface Template {
  subject: string;
  text: string;
  html: string;
}

const escapeStatic = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const emphasizeToken = (s: string) =>
  s.replace(/\{\{(registrationToken|enrollmentToken)\}\}/g, '<strong>{{$1}}</strong>');
const htmlLine = (s: string) => emphasizeToken(escapeStatic(s));

function build(c: Content): Template {
  const text = [...c.intro, c.steps.map((s, i) => `${i + 1}. ${s}`).join('\n'), ...c.outro].join('\n\n');
  const html = [
    '<!doctype html>',
    '<html><body>',
    ...c.intro.map((p) => `<p>${htmlLine(p)}</p>`),
    '<ol>',
    ...c.steps.map((s) => `<li>${htmlLine(s)}</li>`),
    '</ol>',
    ...(c.qrCode
      ? [
          '<p><img src="{{qrCodeImage}}" alt="QR code to scan at the welcome screen" width="240" height="240"></p>',
        ]
      : []),
    ...c.outro.map((p) => `<p>${htmlLine(p)}</p>`),
    '</body></html>',
  ].join('\n');
  return { subject: c.subject, text: `${text}\n`, html: `${html}\n` };
}

export const DEFAULT_TEMPLATES: Record<MigrationPath, Template> = Object.fromEntries(
  Object.entries(CONTENT).map(([path, content]) => [path, build(content)]),
) as Record<MigrationPath, Template>;
