package browsertest

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Browser is headless Chromium driven through the DevTools protocol over a pipe
// (--remote-debugging-pipe: commands on the child's fd 3, replies and events on its fd 4,
// each a JSON message ended by a NUL byte), so the tests type and click as a person does.
type Browser struct {
	t       testing.TB
	cmd     *exec.Cmd
	in      *os.File // our end of the child's fd 3
	mu      sync.Mutex
	nextID  int
	waiting map[int]chan reply
	session string
}

type reply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// New starts Chromium at width×height with one page, attached; it is closed with
// the test.
func New(t testing.TB, bin string, width, height int) *Browser {
	t.Helper()
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append(Flags(t), "--hide-scrollbars", "--remote-debugging-pipe",
		fmt.Sprintf("--window-size=%d,%d", width, height), "about:blank")...)
	cmd.ExtraFiles = []*os.File{cmdR, outW}
	if err := cmd.Start(); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	cmdR.Close()
	outW.Close()
	b := &Browser{t: t, cmd: cmd, in: cmdW, waiting: map[int]chan reply{}}
	go b.read(outR)
	t.Cleanup(func() {
		b.send("", "Browser.close", nil, 5*time.Second)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
		}
		cmdW.Close()
	})
	var targets struct {
		TargetInfos []struct{ TargetID, Type string } `json:"targetInfos"`
	}
	b.Call("", "Target.getTargets", nil, &targets)
	page := ""
	for _, ti := range targets.TargetInfos {
		if ti.Type == "page" {
			page = ti.TargetID
		}
	}
	if page == "" {
		var created struct{ TargetID string }
		b.Call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &created)
		page = created.TargetID
	}
	var att struct{ SessionID string }
	b.Call("", "Target.attachToTarget", map[string]any{"targetId": page, "flatten": true}, &att)
	b.session = att.SessionID
	b.Call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil)
	return b
}

// read dispatches replies to their callers; events are dropped (the tests poll instead).
func (b *Browser) read(r *os.File) {
	br := bufio.NewReader(r)
	for {
		msg, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m struct {
			ID int `json:"id"`
			reply
		}
		if json.Unmarshal(msg[:len(msg)-1], &m) != nil || m.ID == 0 {
			continue
		}
		b.mu.Lock()
		ch := b.waiting[m.ID]
		delete(b.waiting, m.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- m.reply
		}
	}
}

// send issues a command and waits for its reply.
func (b *Browser) send(session, method string, params any, timeout time.Duration) (reply, error) {
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan reply, 1)
	b.waiting[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method, "params": params}
	if params == nil {
		msg["params"] = map[string]any{}
	}
	if session != "" {
		msg["sessionId"] = session
	}
	data, _ := json.Marshal(msg)
	if _, err := b.in.Write(append(data, 0)); err != nil {
		return reply{}, err
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return r, fmt.Errorf("%s: %s", method, r.Error.Message)
		}
		return r, nil
	case <-time.After(timeout):
		return reply{}, fmt.Errorf("%s: no reply within %s", method, timeout)
	}
}

// Call sends a command and decodes its result into out (when not nil); errors fail the test.
func (b *Browser) Call(session, method string, params, out any) {
	b.t.Helper()
	r, err := b.send(session, method, params, 30*time.Second)
	if err != nil {
		b.t.Fatalf("chromium: %v", err)
	}
	if out != nil {
		if err := json.Unmarshal(r.Result, out); err != nil {
			b.t.Fatalf("chromium: %s: %v", method, err)
		}
	}
}

// Eval evaluates a JavaScript expression in the page and returns its value.
func (b *Browser) Eval(expr string) any {
	b.t.Helper()
	var r struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	b.Call(b.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &r)
	if r.ExceptionDetails != nil {
		b.t.Fatalf("chromium: %s: %s", expr, r.ExceptionDetails.Text)
	}
	return r.Result.Value
}

// Navigate loads url and waits until cond (a JavaScript expression) is true.
func (b *Browser) Navigate(url, cond string) {
	b.t.Helper()
	b.Call(b.session, "Page.navigate", map[string]any{"url": url}, nil)
	b.WaitFor(cond)
}

// WaitFor polls a JavaScript condition for up to 30 s.
func (b *Browser) WaitFor(cond string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		if v, _ := b.Eval("(() => { try { return !!(" + cond + "); } catch (e) { return false; } })()").(bool); v {
			return
		}
		select {
		case <-ctx.Done():
			b.t.Fatalf("chromium: %s did not become true within 30 s; page: %.2000s", cond, b.HTML())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TypeText types text into the focused element, as insertText from an input method.
func (b *Browser) TypeText(text string) {
	b.Call(b.session, "Input.insertText", map[string]any{"text": text}, nil)
}

// Press presses a key (e.g. "Enter") that types text (e.g. "\r") with modifiers (2 is
// Ctrl, 8 Shift).
func (b *Browser) Press(key, text string, code, modifiers int) {
	down := map[string]any{"type": "keyDown", "key": key, "code": key, "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code, "modifiers": modifiers}
	if text != "" {
		down["text"] = text
	}
	b.Call(b.session, "Input.dispatchKeyEvent", down, nil)
	b.Call(b.session, "Input.dispatchKeyEvent", map[string]any{"type": "keyUp", "key": key, "code": key,
		"windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code, "modifiers": modifiers}, nil)
}

// HTML is the page's DOM as HTML.
func (b *Browser) HTML() string {
	s, _ := b.Eval("document.documentElement.outerHTML").(string)
	return s
}

// Screenshot saves the whole page as a PNG under ScreenshotDir and returns its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	var m struct {
		CSSContentSize struct{ Width, Height float64 } `json:"cssContentSize"`
	}
	b.Call(b.session, "Page.getLayoutMetrics", nil, &m)
	var shot struct{ Data string }
	b.Call(b.session, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": m.CSSContentSize.Width, "height": m.CSSContentSize.Height, "scale": 1}}, &shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil || len(png) < 8 || string(png[1:4]) != "PNG" {
		b.t.Fatalf("chromium: screenshot %s is not a PNG (%v)", name, err)
	}
	path := filepath.Join(ScreenshotDir(b.t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
	return path
}
