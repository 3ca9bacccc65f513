/** Languages of the demo pages (the element has its own catalog). */
export type DemoLanguage = 'en' | 'ja' | 'zh';

const en = {
  teacherTitle: 'Start a class',
  teacherIntro: 'Create a class, share its link, and teach. Students join from the link.',
  yourName: 'Your name',
  classTitle: 'Class title',
  startClass: 'Start class',
  studentIntro: 'Enter your name to join the class.',
  joinClass: 'Join class',
  shareWithStudents: 'Students join with this link:',
  copy: 'Copy link',
  copied: 'Copied',
  qrAlt: 'QR code of the student link',
  linkProblem: 'This class link does not work',
  startOver: 'Start a new class',
  classEnded: 'This class has ended. When your teacher starts it again, this link works again.',
  tryAgain: 'Try again',
};

/** The demo's strings, in every language. */
export const strings: Record<DemoLanguage, Record<keyof typeof en, string>> = {
  en,
  ja: {
    teacherTitle: '授業を始める',
    teacherIntro: '授業を作成してリンクを共有します。生徒はリンクから参加します。',
    yourName: 'お名前',
    classTitle: '授業名',
    startClass: '授業を開始',
    studentIntro: 'お名前を入力して授業に参加してください。',
    joinClass: '参加する',
    shareWithStudents: '生徒用リンク:',
    copy: 'リンクをコピー',
    copied: 'コピーしました',
    qrAlt: '生徒用リンクのQRコード',
    linkProblem: 'この授業リンクは使えません',
    startOver: '新しい授業を始める',
    classEnded: 'この授業は終了しました。先生が授業を再開すると、このリンクでまた参加できます。',
    tryAgain: 'もう一度試す',
  },
  zh: {
    teacherTitle: '开始上课',
    teacherIntro: '创建课堂并分享链接，学生通过链接加入。',
    yourName: '你的名字',
    classTitle: '课程名称',
    startClass: '开始上课',
    studentIntro: '输入你的名字加入课堂。',
    joinClass: '加入课堂',
    shareWithStudents: '学生加入链接：',
    copy: '复制链接',
    copied: '已复制',
    qrAlt: '学生链接的二维码',
    linkProblem: '此课堂链接无效',
    startOver: '开始新的课堂',
    classEnded: '本节课已结束。老师重新开始上课后，这个链接就能再次使用。',
    tryAgain: '再试一次',
  },
};
