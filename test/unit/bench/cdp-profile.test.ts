import { busyTime, type CpuProfile, selfTimes } from "../../../bench/cdp-profile";

const frame = (functionName: string, url = "", lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });

/** idle 1 ms, then diagnose 2 ms, then idle 1 ms, then diagnose 1 ms and an anonymous handler 4 ms in a row */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame("(idle)") },
    { id: 2, callFrame: frame("diagnose", "chrome-extension://abc/background.js", 41) },
    { id: 3, callFrame: frame("", "chrome-extension://abc/background.js", 9) },
  ],
  samples: [1, 2, 1, 2, 3],
  timeDeltas: [1000, 2000, 1000, 1000, 4000],
  startTime: 0,
  endTime: 9000,
};

describe("the shared CDP profile reductions", () => {
  test("self time per function, named by function, file and line, largest first", () => {
    expect(selfTimes(profile)).toEqual([
      { name: "(anonymous) background.js:10", ms: 4 },
      { name: "diagnose background.js:42", ms: 3 },
      { name: "(idle)", ms: 2 },
    ]);
  });

  test("busy time leaves out idle samples; the longest busy stretch ends at an idle sample", () => {
    expect(busyTime(profile)).toEqual({ total: 9, busy: 7, longest: 5 });
  });

  test("a profile without samples is neither busy nor recorded", () => {
    expect(busyTime({ ...profile, samples: [], timeDeltas: [] })).toEqual({ total: 0, busy: 0, longest: 0 });
  });
});
