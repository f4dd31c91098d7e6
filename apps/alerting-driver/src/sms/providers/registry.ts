import { aliyun } from './aliyun.ts';
import { esendex } from './esendex.ts';
import { ghasedak } from './ghasedak.ts';
import { kavenegar } from './kavenegar.ts';
import { mailruim } from './mailruim.ts';
import { melipayamak } from './melipayamak.ts';
import { sap } from './sap.ts';
import { sfr } from './sfr.ts';
import { sms77 } from './sms77.ts';
import { tencentcloud } from './tencentcloud.ts';
import { textmagic } from './textmagic.ts';
import { aspsms } from './aspsms.ts';
import { cm } from './cm.ts';
import { exotel } from './exotel.ts';
import { freemobile } from './freemobile.ts';
import { infobip } from './infobip.ts';
import { kannel } from './kannel.ts';
import { mediaburst } from './mediaburst.ts';
import { messagebird } from './messagebird.ts';
import { nexmo } from './nexmo.ts';
import { nowsms } from './nowsms.ts';
import { otc } from './otc.ts';
import { ovh } from './ovh.ts';
import type { ProviderDefinition } from './provider.ts';
import { pushbullet } from './pushbullet.ts';
import { sipgate } from './sipgate.ts';
import { smsc } from './smsc.ts';
import { telegram } from './telegram.ts';
import { turbosms } from './turbosms.ts';
import { twilio } from './twilio.ts';

/** sachet 0.2.3's 19 `provider:` names and the 10 added up to sachet 0.3.1, each with its settings schema and factory. */
export const PROVIDERS: ReadonlyMap<string, ProviderDefinition<unknown>> = new Map(
  [
    aliyun,
    aspsms,
    cm,
    exotel,
    freemobile,
    infobip,
    kannel,
    mediaburst,
    messagebird,
    nexmo,
    nowsms,
    otc,
    ovh,
    pushbullet,
    sipgate,
    smsc,
    telegram,
    turbosms,
    twilio,
    // added after 0.2.3
    esendex,
    ghasedak,
    kavenegar,
    mailruim,
    melipayamak,
    sap,
    sfr,
    sms77,
    tencentcloud,
    textmagic,
  ].map((p) => [p.name, p as ProviderDefinition<unknown>]),
);
