/**
 * Steps shared by the welfare tours run at desktop and at phone size (issue #12).
 */

/**
 * The page never scrolls sideways: nothing is wider than the screen. clientWidth, not
 * innerWidth: a desktop-style scrollbar takes its 15px from the screen.
 */
export function noSideScroll(page) {
    return {
        content: `${page}: nothing is wider than the screen`,
        trigger: "body",
        run() {
            const { scrollWidth, clientWidth } = document.documentElement;
            if (scrollWidth > clientWidth) {
                const wide = [...document.querySelectorAll("body *")]
                    .filter((el) => el.getBoundingClientRect().right > clientWidth + 1)
                    .slice(-5)
                    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
                throw new Error(
                    `${page} scrolls sideways: ${scrollWidth}px on a ${clientWidth}px screen ` +
                        `(${wide.join(", ")})`
                );
            }
        },
    };
}

/** Asks the test for a screenshot (see test_phone_tours.py), then lets it be taken. */
export function screenshot(name) {
    return {
        content: `Screenshot: ${name}`,
        trigger: "body",
        async run() {
            console.log(`welfare screenshot: ${name}`);
            await new Promise((resolve) => setTimeout(resolve, 500));
        },
    };
}

/** A cookie the test set for the tour (browser_js cookies). */
export function tourCookie(name) {
    const pair = document.cookie.split("; ").find((item) => item.startsWith(`${name}=`));
    return pair ? decodeURIComponent(pair.slice(name.length + 1)) : "";
}
