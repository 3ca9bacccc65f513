import type { ErrorCode, LessonReason } from '@cosmo/core';
import { translator, type MessageKey, type UiLanguage } from './i18n.js';

/**
 * What a person reads when something fails, in the UI's language: what happened and what to do
 * next. The server's own message is English and meant for logs; it never reaches the toast.
 */
const messages: Record<UiLanguage, Record<ErrorCode, string>> = {
  en: {
    BAD_FRAME: 'The app and server did not understand each other. Reload the page.',
    NOT_AUTHORIZED:
      'Your class link has expired or is not valid. Open the link from your teacher again.',
    PERMISSION_DENIED:
      'You are not allowed to do that in this class. Ask your teacher if you need it.',
    NOT_FOUND: 'That is gone (it may have just ended). Try again.',
    INVALID_STATE: 'That cannot be done right now. Wait a moment, then try again.',
    INVALID_ARGUMENT: 'Something you entered is not valid. Check it and try again.',
    ROOM_FULL: 'The class is full. Ask your teacher to make room, then join again.',
    ROOM_LOCKED: 'The teacher has locked the class. Ask your teacher to let you in.',
    CLASS_ENDED: 'The class has ended. You can join again when your teacher starts it.',
    RATE_LIMITED: 'Too many actions in a short time. Wait a few seconds, then try again.',
    UNSUPPORTED_VERSION: 'This page is out of date. Reload it to get the latest version.',
    MODEL_MISSING:
      'Captions are not set up on this server for that language. Ask your school to install it.',
    MODEL_INVALID:
      'The captions engine on this server is damaged. Ask your school to reinstall it.',
    UNAVAILABLE: 'This is not available on this server right now. Try again later.',
    TIMEOUT: 'The server took too long to answer. Check your connection and try again.',
    MEDIA_UNREACHABLE:
      'Audio and video cannot get through this network (a firewall blocks them). Chat and captions still work. Try another network, or ask your school to set up TURN.',
    CLOSED: 'You are disconnected. Check your connection, then join again.',
    INTERNAL: 'Something went wrong on our side. Try again; if it persists, tell your school.',
  },
  ja: {
    BAD_FRAME: 'アプリとサーバーの通信がうまくいきませんでした。ページを再読み込みしてください。',
    NOT_AUTHORIZED:
      '授業リンクの有効期限が切れたか、無効です。先生から届いたリンクをもう一度開いてください。',
    PERMISSION_DENIED: 'この授業ではその操作はできません。必要なら先生に聞いてください。',
    NOT_FOUND: '対象が見つかりません（終わったばかりかもしれません）。もう一度試してください。',
    INVALID_STATE: '今はその操作ができません。少し待ってからもう一度試してください。',
    INVALID_ARGUMENT: '入力内容が正しくありません。確認してもう一度試してください。',
    ROOM_FULL: '授業は満員です。先生に枠を空けてもらってから、もう一度参加してください。',
    ROOM_LOCKED: '先生が教室をロックしています。入れてもらうよう先生に頼んでください。',
    CLASS_ENDED: '授業は終了しました。先生が授業を再開すると、また参加できます。',
    RATE_LIMITED: '短い時間に操作が多すぎます。数秒待ってからもう一度試してください。',
    UNSUPPORTED_VERSION: 'このページは古くなっています。再読み込みして最新版にしてください。',
    MODEL_MISSING:
      'このサーバーではその言語の字幕が使えません。学校にインストールを依頼してください。',
    MODEL_INVALID:
      'このサーバーの字幕エンジンが壊れています。学校に再インストールを依頼してください。',
    UNAVAILABLE: 'この機能は今このサーバーで使えません。後でもう一度試してください。',
    TIMEOUT: 'サーバーの応答がありません。接続を確認して、もう一度試してください。',
    MEDIA_UNREACHABLE:
      'このネットワークでは音声と映像が届きません（ファイアウォールが遮断しています）。チャットと字幕は使えます。別のネットワークを試すか、学校に TURN の設定を依頼してください。',
    CLOSED: '接続が切れました。ネットワークを確認して、もう一度参加してください。',
    INTERNAL:
      'サーバーで問題が起きました。もう一度試してください。続く場合は学校に連絡してください。',
  },
  zh: {
    BAD_FRAME: '应用和服务器之间通信出错。请刷新页面。',
    NOT_AUTHORIZED: '课堂链接已过期或无效。请重新打开老师发给你的链接。',
    PERMISSION_DENIED: '在这个课堂里你不能进行此操作。如有需要，请询问老师。',
    NOT_FOUND: '找不到该内容（可能刚刚结束）。请再试一次。',
    INVALID_STATE: '现在无法进行此操作。请稍等片刻再试。',
    INVALID_ARGUMENT: '输入的内容无效。请检查后再试。',
    ROOM_FULL: '课堂已满。请老师腾出名额后再加入。',
    ROOM_LOCKED: '老师已锁定教室。请让老师允许你进入。',
    CLASS_ENDED: '课堂已结束。老师重新开始上课后，你可以再次加入。',
    RATE_LIMITED: '操作过于频繁。请等几秒钟再试。',
    UNSUPPORTED_VERSION: '此页面版本过旧。请刷新页面获取最新版本。',
    MODEL_MISSING: '此服务器没有安装该语言的字幕。请联系学校安装。',
    MODEL_INVALID: '此服务器的字幕引擎已损坏。请联系学校重新安装。',
    UNAVAILABLE: '此服务器暂时无法提供该功能。请稍后再试。',
    TIMEOUT: '服务器响应超时。请检查网络后再试。',
    MEDIA_UNREACHABLE:
      '此网络无法传输音频和视频（被防火墙拦截）。聊天和字幕仍可使用。请换一个网络，或请学校配置 TURN 服务器。',
    CLOSED: '连接已断开。请检查网络，然后重新加入。',
    INTERNAL: '服务器出了问题。请再试一次；如果一直出现，请联系学校。',
  },
};

/** The toast text for an error code, in the UI language (INTERNAL's text for an unknown code). */
export function errorMessage(language: UiLanguage, code: string): string {
  const catalog = messages[language];
  return catalog[code as ErrorCode] ?? catalog.INTERNAL;
}

/** Why the server would not record (UNAVAILABLE). */
type RecordingReason = 'RECORDING_OFF' | 'FFMPEG_MISSING';

/** Why the server refused a change of the board (docs/board.md). */
type BoardReason =
  | 'BOARD_LOCKED'
  | 'BOARD_NOT_ALLOWED'
  | 'BOARD_NOT_YOURS'
  | 'BOARD_MODERATORS_ONLY'
  | 'BOARD_CLIENT_TAKEN'
  | 'BOARD_NO_PAGE'
  | 'BOARD_MALFORMED'
  | 'BOARD_OUT_OF_SYNC'
  | 'BOARD_FULL'
  | 'BOARD_TOO_FAST';

/** The message of each refusal reason the element knows, with the reason's values in braces. */
const reasons: Record<LessonReason | RecordingReason | BoardReason | 'REFUSED', MessageKey> = {
  REFUSED: 'refused',
  RECORDING_OFF: 'recordingOff',
  FFMPEG_MISSING: 'recordingNoFfmpeg',
  LESSON_TOO_LONG: 'lessonTextTooLong',
  LESSON_TOO_LARGE: 'lessonTooLong',
  TOO_MANY_LANGUAGES: 'tooManyLanguages',
  BAD_LANGUAGE: 'badLanguage',
  SPOKEN_LANGUAGE: 'spokenTranslation',
  DUPLICATE_LANGUAGE: 'duplicateLanguage',
  TRANSLATION_TOO_LONG: 'translationTooLong',
  LINES_MISMATCH: 'linesMismatch',
  BOARD_LOCKED: 'boardErrLocked',
  BOARD_NOT_ALLOWED: 'boardErrNotAllowed',
  BOARD_NOT_YOURS: 'boardErrNotYours',
  BOARD_MODERATORS_ONLY: 'boardErrModeratorsOnly',
  BOARD_CLIENT_TAKEN: 'boardErrClientTaken',
  BOARD_NO_PAGE: 'boardErrNoPage',
  BOARD_MALFORMED: 'boardErrMalformed',
  BOARD_OUT_OF_SYNC: 'boardErrOutOfSync',
  BOARD_FULL: 'boardErrFull',
  BOARD_TOO_FAST: 'boardErrTooFast',
};

/**
 * A refusal's reason (`LINES_MISMATCH`…) said in the UI language with its values, or undefined
 * for a reason the element does not know. Sizes in bytes are shown in kB.
 */
export function reasonMessage(
  t: (key: MessageKey) => string,
  reason: string | undefined,
  params: Readonly<Record<string, string>> = {},
): string | undefined {
  const key =
    reason && Object.hasOwn(reasons, reason) ? reasons[reason as keyof typeof reasons] : undefined;
  if (!key) return undefined;
  const values: Record<string, string> = { ...params };
  if (reason === 'LESSON_TOO_LARGE') {
    values.size = String(Math.ceil(Number(params.size) / 1000));
    values.max = String(Math.floor(Number(params.max) / 1000));
  } else if (params.max) {
    values.max = Number(params.max).toLocaleString('en');
  }
  return t(key).replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * The toast text for an error, in the UI language: its reason's message when the element knows
 * the reason (what exactly to fix), else its code's.
 */
export function errorText(
  language: UiLanguage,
  error: {
    code: string;
    reason?: string | undefined;
    params?: Readonly<Record<string, string>> | undefined;
  },
): string {
  return (
    reasonMessage(translator(language), error.reason, error.params) ??
    errorMessage(language, error.code)
  );
}
