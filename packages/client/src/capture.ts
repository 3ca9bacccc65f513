// Browser capture: the default devices, with settings that suit a classroom.

/** A microphone (the default, or `deviceId`), with echo cancellation and noise suppression. */
export async function captureMicrophone(deviceId?: string): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
      deviceId: deviceId ? { exact: deviceId } : undefined,
    },
  });
  return stream.getAudioTracks()[0]!;
}

/** A camera (the default, or `deviceId`) at 720p, 24 fps (simulcast scales it down for small tiles). */
export async function captureCamera(deviceId?: string): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: {
      width: 1280,
      height: 720,
      frameRate: 24,
      deviceId: deviceId ? { exact: deviceId } : undefined,
    },
  });
  return stream.getVideoTracks()[0]!;
}

/** A screen, window or tab the user picks. */
export async function captureScreen(): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
  return stream.getVideoTracks()[0]!;
}
