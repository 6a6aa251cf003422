/** @jest-environment jsdom */
import { render } from "preact";
import { pure } from "../../../src/ui/common/pure";

test("a pure component renders again only when a prop changed", () => {
  const container = document.createElement("div");
  let renders = 0;
  const Row = pure(function Row({ row, mark }: { row: { text: string }; mark?: string }) {
    renders++;
    return <span>{`${row.text}${mark ?? ""}`}</span>;
  });
  const first = { text: "a" };
  render(<Row row={first} />, container);
  render(<Row row={first} />, container);
  expect(renders).toBe(1);
  render(<Row row={{ text: "b" }} />, container);
  expect(container.textContent).toBe("b");
  render(<Row row={{ text: "b" }} mark="!" />, container);
  expect(container.textContent).toBe("b!");
  expect(renders).toBe(3);
  render(null, container);
});
