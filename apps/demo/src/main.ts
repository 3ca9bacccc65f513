// The Cosmo demo: a teacher creates a class and shares a link; a student opens it and is in.
import '@cosmo/client/element';
import QRCode from 'qrcode';
import { strings, type DemoLanguage } from './strings.js';

const app = document.querySelector<HTMLDivElement>('#app')!;
const params = new URLSearchParams(location.search);
const classId = params.get('class');
const language = ((): DemoLanguage => {
  const tag = (params.get('lang') ?? navigator.language).toLowerCase();
  return tag.startsWith('ja') ? 'ja' : tag.startsWith('zh') ? 'zh' : 'en';
})();
const t = strings[language];
document.documentElement.lang = language;
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

/** An error the demo API answered, with its stable code. */
class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = (await res
    .json()
    .catch(() => ({ code: 'INTERNAL', message: res.statusText }))) as T & {
    code: string;
    message: string;
  };
  if (!res.ok) throw new ApiError(data.code, data.message);
  return data as T;
}

/** What a person reads for an error: the demo's own words where it has them. */
function describeError(err: Error): string {
  return err instanceof ApiError && err.code === 'CLASS_ENDED' ? t.classEnded : err.message;
}

/**
 * Where a token is kept for the tab's life, so a reload goes straight back into the class as the
 * same person (who then takes over their own seat, even in a locked room) instead of joining as
 * someone new.
 */
const saved = {
  key: (kind: 'teacher' | 'student', room: string) => `cosmo-demo:${kind}:${room}`,
  get(kind: 'teacher' | 'student', room: string): string | null {
    return sessionStorage.getItem(this.key(kind, room));
  },
  set(kind: 'teacher' | 'student', room: string, token: string): void {
    sessionStorage.setItem(this.key(kind, room), token);
  },
  forget(kind: 'teacher' | 'student', room: string): void {
    sessionStorage.removeItem(this.key(kind, room));
    sessionStorage.removeItem(`${this.key(kind, room)}:link`);
  },
  /** The student link the server gave (reachable from other devices), kept with the token. */
  link(room: string, url?: string): string {
    const key = `${this.key('teacher', room)}:link`;
    if (url) sessionStorage.setItem(key, url);
    return sessionStorage.getItem(key) ?? `${location.origin}/?class=${room}`;
  },
};

function form(
  title: string,
  intro: string,
  fields: [name: string, label: string][],
  submit: string,
  onSubmit: (values: Record<string, string>) => Promise<void>,
): void {
  app.innerHTML = '';
  const card = document.createElement('form');
  card.className = 'card';
  card.innerHTML = `<h1></h1><p></p>`;
  card.querySelector('h1')!.textContent = title;
  card.querySelector('p')!.textContent = intro;
  for (const [name, label] of fields) {
    const l = document.createElement('label');
    l.textContent = label;
    const input = document.createElement('input');
    input.name = name;
    input.required = true;
    input.maxLength = 80;
    l.append(input);
    card.append(l);
  }
  const button = document.createElement('button');
  button.type = 'submit';
  button.textContent = submit;
  const error = document.createElement('p');
  error.className = 'error';
  error.setAttribute('role', 'alert');
  card.append(button, error);
  card.addEventListener('submit', (e) => {
    e.preventDefault();
    button.disabled = true;
    const values = Object.fromEntries(new FormData(card).entries()) as Record<string, string>;
    onSubmit(values).catch((err: Error) => {
      console.error(err);
      // The form may already be gone (the classroom replaced it): show the error on its own.
      if (!card.isConnected) app.replaceChildren(card);
      error.textContent = describeError(err);
      button.disabled = false;
    });
  });
  app.append(card);
  card.querySelector('input')?.focus();
}

/**
 * Shows the classroom. `prejoin`: first the camera and microphone check (someone arriving from
 * the form); a reload goes straight back into the class.
 */
function enterClassroom(
  token: string,
  share?: string,
  onLeave?: () => void,
  prejoin = false,
): void {
  app.innerHTML = '';
  if (share) {
    const bar = document.createElement('div');
    bar.className = 'share';
    bar.dataset['studentLink'] = share;
    const qr = document.createElement('img');
    qr.alt = t.qrAlt;
    void QRCode.toDataURL(share, { margin: 1, width: 144 }).then((url) => (qr.src = url));
    const text = document.createElement('div');
    const caption = document.createElement('div');
    caption.textContent = t.shareWithStudents;
    const code = document.createElement('code');
    code.textContent = share;
    text.append(caption, code);
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.textContent = t.copy;
    copy.addEventListener('click', () => {
      void navigator.clipboard?.writeText(share).then(() => (copy.textContent = t.copied));
    });
    bar.append(qr, text, copy);
    app.append(bar);
  }
  const room = document.createElement('cosmo-classroom');
  room.setAttribute('lang', language);
  room.prejoin = prejoin;
  room.serverUrl = wsUrl;
  room.serviceWorker = '/cosmo-sw.js';
  room.token = token;
  room.addEventListener('cosmo-left', (e) => {
    // An ended class stays on screen: it says so, and offers its teacher to start it again.
    if (e.detail.reason === 'class_ended') return;
    onLeave?.();
    setTimeout(
      () => location.assign(location.pathname + (classId ? `?class=${classId}` : '')),
      1500,
    );
  });
  app.append(room);
}

const tokenParam = params.get('token');
const teaching = params.get('teach');
const teacherToken = teaching ? saved.get('teacher', teaching) : null;
if (tokenParam) {
  // A token from `cosmo token` or the school's backend: straight into the classroom.
  enterClassroom(tokenParam);
} else if (teaching && teacherToken) {
  // The teacher reloaded: back into their class, with its student link.
  enterClassroom(teacherToken, saved.link(teaching), () => saved.forget('teacher', teaching));
} else if (classId) {
  const studentToken = saved.get('student', classId);
  const leave = () => saved.forget('student', classId);
  if (studentToken) {
    enterClassroom(studentToken, undefined, leave);
  } else {
    api<{ title: string; ended?: boolean }>(
      'GET',
      `/api/demo/classes/${encodeURIComponent(classId)}`,
    )
      .then((info) => {
        if (info.ended) {
          form(info.title, t.classEnded, [], t.tryAgain, async () => location.reload());
          return;
        }
        form(info.title, t.studentIntro, [['name', t.yourName]], t.joinClass, async ({ name }) => {
          const { token } = await api<{ token: string }>(
            'POST',
            `/api/demo/classes/${encodeURIComponent(classId)}/students`,
            { name },
          );
          saved.set('student', classId, token);
          enterClassroom(token, undefined, leave, true);
        });
      })
      .catch((err: Error) =>
        form(t.linkProblem, describeError(err), [], t.startOver, async () => location.assign('/')),
      );
  }
} else {
  form(
    t.teacherTitle,
    t.teacherIntro,
    [
      ['teacherName', t.yourName],
      ['title', t.classTitle],
    ],
    t.startClass,
    async ({ teacherName, title }) => {
      const created = await api<{ room: string; token: string; studentUrl?: string }>(
        'POST',
        '/api/demo/classes',
        { teacherName, title },
      );
      saved.set('teacher', created.room, created.token);
      // The server's link works from students' phones (its LAN or public address, not localhost).
      const link = saved.link(created.room, created.studentUrl);
      history.replaceState(null, '', `?teach=${encodeURIComponent(created.room)}`);
      enterClassroom(created.token, link, () => saved.forget('teacher', created.room), true);
    },
  );
}
