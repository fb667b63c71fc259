import { ConfigError, loadConfig } from '../../src/config';

/** FERRY_ANDROID_STAGING_*: the QR code and token Android fully managed users get, a worker setting. */

const PASSWORD = 'Stag1ng-Pa55';
const EXTRA = 'android.app.extra.PROVISIONING_';
const PAYLOAD = {
  [`${EXTRA}DEVICE_ADMIN_COMPONENT_NAME`]:
    'com.airwatch.androidagent/com.airwatch.agent.DeviceAdministratorReceiver',
  [`${EXTRA}DEVICE_ADMIN_SIGNATURE_CHECKSUM`]: '6kyqxDOjgS30jvQuzh4uvHPk-0bmAD-1QU7vtW7i_o8=',
  [`${EXTRA}DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`]:
    'https://getwsone.com/mobileenrollment/airwatchagent.apk',
  [`${EXTRA}ADMIN_EXTRAS_BUNDLE`]: {
    serverurl: 'cn1234.awmdm.example',
    gid: 'corp',
    un: 'stg',
    pw: PASSWORD,
  },
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}

describe('the Android staging enrollment of loadConfig', () => {
  it('when the payload and token are set, then the worker has them and no key is unknown', () => {
    const qrPayload = JSON.stringify(PAYLOAD);
    const config = loadConfig({
      FERRY_ANDROID_STAGING_QR_PAYLOAD: ` ${qrPayload} `,
      FERRY_ANDROID_STAGING_ENROLLMENT_TOKEN: 'STG7Q2M9XT',
    });
    expect(config.androidStaging).toEqual({ qrPayload, enrollmentToken: 'STG7Q2M9XT' });
    expect(loadConfig({}).androidStaging).toBeUndefined();
  });

  it('when the payload is not JSON, then the key is named and the value never quoted', () => {
    const found = problems({ FERRY_ANDROID_STAGING_QR_PAYLOAD: `{"pw":"${PASSWORD}"` });
    expect(found).toEqual([expect.stringMatching(/^FERRY_ANDROID_STAGING_QR_PAYLOAD: is not JSON/)]);
    expect(found.join('\n')).not.toContain(PASSWORD);
  });

  it('when the payload lacks what the setup wizard needs, then each missing extra is named', () => {
    const { [`${EXTRA}DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`]: _, ...noDownload } = PAYLOAD;
    expect(problems({ FERRY_ANDROID_STAGING_QR_PAYLOAD: JSON.stringify(noDownload) })).toEqual([
      `FERRY_ANDROID_STAGING_QR_PAYLOAD: lacks ${EXTRA}DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`,
    ]);
    const insecure = {
      ...PAYLOAD,
      [`${EXTRA}DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`]: 'http://x.example/hub.apk',
    };
    expect(problems({ FERRY_ANDROID_STAGING_QR_PAYLOAD: JSON.stringify(insecure) })).toEqual([
      `FERRY_ANDROID_STAGING_QR_PAYLOAD: ${EXTRA}DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION must be an https URL`,
    ]);
    expect(problems({ FERRY_ANDROID_STAGING_QR_PAYLOAD: '["a"]' })).toEqual([
      'FERRY_ANDROID_STAGING_QR_PAYLOAD: must be a JSON object of android.app.extra.PROVISIONING_* keys',
    ]);
  });

  it('when the payload cannot fit one QR code, then it is refused with its length', () => {
    const long = { ...PAYLOAD, [`${EXTRA}ADMIN_EXTRAS_BUNDLE`]: { note: 'x'.repeat(3000) } };
    expect(problems({ FERRY_ANDROID_STAGING_QR_PAYLOAD: JSON.stringify(long) })).toEqual([
      expect.stringMatching(
        /^FERRY_ANDROID_STAGING_QR_PAYLOAD: is too long for one QR code \(\d+ bytes, at most 2331\)$/,
      ),
    ]);
  });

  it('when a token is set without a payload, or is not one word, then the key is named', () => {
    expect(problems({ FERRY_ANDROID_STAGING_ENROLLMENT_TOKEN: 'STG7Q2M9XT' })).toEqual([
      'FERRY_ANDROID_STAGING_ENROLLMENT_TOKEN: needs FERRY_ANDROID_STAGING_QR_PAYLOAD (the QR code the user scans)',
    ]);
    expect(
      problems({
        FERRY_ANDROID_STAGING_QR_PAYLOAD: JSON.stringify(PAYLOAD),
        FERRY_ANDROID_STAGING_ENROLLMENT_TOKEN: 'two words',
      }),
    ).toEqual(['FERRY_ANDROID_STAGING_ENROLLMENT_TOKEN: must be one word (the user types it)']);
  });

  it('when a staging key is misspelt, then the closest one is suggested', () => {
    expect(problems({ FERRY_ANDROID_STAGING_QR_PAYLOD: '{}' })).toEqual([
      'FERRY_ANDROID_STAGING_QR_PAYLOD: unknown key; did you mean FERRY_ANDROID_STAGING_QR_PAYLOAD?',
    ]);
  });
});
