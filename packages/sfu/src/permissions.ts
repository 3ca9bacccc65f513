import type { MediaSource, Permissions, Role } from '@cosmo/core';

/** Everything a participant may ask the server to do that some role may not. */
export type Action =
  | 'consume'
  | 'publishMicrophone'
  | 'publishCamera'
  | 'publishScreen'
  | 'chat'
  | 'raiseHand'
  | 'lowerOthersHand'
  | 'muteOthers'
  | 'closeOthersProducer'
  | 'setPermissions'
  | 'lockRoom'
  | 'endClass'
  | 'reopenClass'
  | 'sendNotification'
  | 'manageCaptions'
  | 'runPolls'
  | 'vote'
  | 'react'
  | 'manageWaitingRoom'
  | 'runBreakout'
  | 'chooseBreakoutRoom'
  | 'record'
  | 'draw';

/** `always`: the role may; `never`: it may not; a permission name: only while it is granted. */
export type Rule = 'always' | 'never' | keyof Permissions;

/** Teachers and assistants moderate: every action, always. */
const MODERATOR: Readonly<Record<Action, Rule>> = {
  consume: 'always',
  publishMicrophone: 'always',
  publishCamera: 'always',
  publishScreen: 'always',
  chat: 'always',
  raiseHand: 'always',
  lowerOthersHand: 'always',
  muteOthers: 'always',
  closeOthersProducer: 'always',
  setPermissions: 'always',
  lockRoom: 'always',
  endClass: 'always',
  reopenClass: 'always',
  sendNotification: 'always',
  manageCaptions: 'always',
  runPolls: 'always',
  vote: 'always',
  react: 'always',
  manageWaitingRoom: 'always',
  runBreakout: 'always',
  chooseBreakoutRoom: 'always',
  record: 'always',
  draw: 'always',
};

/**
 * Who may do what: the one table the server consults. Teachers and assistants moderate; students
 * chat, raise hands and publish only what they are granted; observers only watch.
 */
export const ROLE_ACTIONS: Readonly<Record<Role, Readonly<Record<Action, Rule>>>> = {
  teacher: MODERATOR,
  assistant: MODERATOR,
  student: {
    consume: 'always',
    publishMicrophone: 'speak',
    publishCamera: 'video',
    publishScreen: 'screen',
    chat: 'chat',
    raiseHand: 'always',
    lowerOthersHand: 'never',
    muteOthers: 'never',
    closeOthersProducer: 'never',
    setPermissions: 'never',
    lockRoom: 'never',
    endClass: 'never',
    reopenClass: 'never',
    sendNotification: 'never',
    manageCaptions: 'never',
    runPolls: 'never',
    vote: 'always',
    react: 'always',
    manageWaitingRoom: 'never',
    runBreakout: 'never',
    chooseBreakoutRoom: 'always',
    record: 'never',
    draw: 'draw',
  },
  observer: {
    consume: 'always',
    publishMicrophone: 'never',
    publishCamera: 'never',
    publishScreen: 'never',
    chat: 'never',
    raiseHand: 'never',
    lowerOthersHand: 'never',
    muteOthers: 'never',
    closeOthersProducer: 'never',
    setPermissions: 'never',
    lockRoom: 'never',
    endClass: 'never',
    reopenClass: 'never',
    sendNotification: 'never',
    manageCaptions: 'never',
    runPolls: 'never',
    vote: 'never',
    react: 'never',
    manageWaitingRoom: 'never',
    runBreakout: 'never',
    chooseBreakoutRoom: 'never',
    record: 'never',
    draw: 'never',
  },
};

/** What each action is, in words, for the messages of refusals. */
const ACTION_WORDS: Readonly<Record<Action, string>> = {
  consume: 'receive media',
  publishMicrophone: 'use the microphone',
  publishCamera: 'use the camera',
  publishScreen: 'share the screen',
  chat: 'chat',
  raiseHand: 'raise a hand',
  lowerOthersHand: "lower someone else's hand",
  muteOthers: 'mute others',
  closeOthersProducer: "stop or pause someone else's media",
  setPermissions: 'grant or revoke rights',
  lockRoom: 'lock the room',
  endClass: 'end the class',
  reopenClass: 'start an ended class again',
  sendNotification: 'send notices',
  manageCaptions: 'manage captions',
  runPolls: 'run polls and quizzes',
  vote: 'answer polls',
  react: 'send reactions',
  manageWaitingRoom: 'manage the waiting room',
  runBreakout: 'run breakout rooms',
  chooseBreakoutRoom: 'choose a breakout room',
  record: 'start or stop recording',
  draw: 'draw on the board',
};

/** A role with its article, for messages: "an assistant", "a teacher". */
export function aRole(role: Role): string {
  return `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;
}

/** The message of a refused action: "a student may not end the class". */
export function refusal(role: Role, action: Action): string {
  return `${aRole(role)} may not ${ACTION_WORDS[action]}`;
}

/** Every action, in table order. */
export const ACTIONS = Object.keys(ROLE_ACTIONS.teacher) as Action[];

/** Rank for moderation: nobody moderates someone of a higher rank (an assistant cannot mute the teacher). */
export const ROLE_RANK: Readonly<Record<Role, number>> = {
  teacher: 3,
  assistant: 2,
  student: 1,
  observer: 0,
};

/** Whether a participant with `role` and current `permissions` may do `action`. */
export function isAllowed(role: Role, permissions: Permissions, action: Action): boolean {
  const rule = ROLE_ACTIONS[role][action];
  if (rule === 'always') return true;
  if (rule === 'never') return false;
  return permissions[rule];
}

/**
 * The rights a participant starts with. In lecture mode students join muted and unpublished;
 * token grants add to that.
 */
export function initialPermissions(
  role: Role,
  lectureMode: boolean,
  grants: Partial<Permissions> = {},
): Permissions {
  switch (role) {
    case 'teacher':
    case 'assistant':
      return { speak: true, video: true, screen: true, chat: true, draw: true };
    case 'observer':
      return { speak: false, video: false, screen: false, chat: false, draw: false };
    case 'student':
      return {
        speak: grants.speak ?? !lectureMode,
        video: grants.video ?? !lectureMode,
        screen: grants.screen ?? false,
        chat: grants.chat ?? true,
        draw: grants.draw ?? false,
      };
  }
}

/** The action that publishing (or resuming) a source needs. */
export function publishAction(source: MediaSource): Action {
  switch (source) {
    case 'microphone':
      return 'publishMicrophone';
    case 'camera':
      return 'publishCamera';
    case 'screen':
    case 'screen-audio':
      return 'publishScreen';
  }
}

/** The permission that allows publishing a source. */
export function publishPermission(source: MediaSource): keyof Permissions {
  const rule = ROLE_ACTIONS.student[publishAction(source)];
  return rule as keyof Permissions;
}
