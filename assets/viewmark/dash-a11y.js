/* Corrects four ARIA defects in the markup of Dash 4's core components, which axe reports as serious or
 * critical (the browser tests run axe on every page: tests/integration/a11y.py):
 *
 * 1. RadioItems renders a listbox whose options are labels around native radio buttons: interactive
 *    controls nested in interactive roles. It is a radio group: the container says so, the option roles go,
 *    and the native radios speak for themselves.
 * 2. Dropdown puts an aria-hidden input in the tab order, which hands the focus on to the dropdown's button
 *    (kept out of the tab order): the button takes the tab stop itself, the hidden input none.
 * 3. DatePickerRange marks its opener, a plain div around the two date inputs, with aria-expanded and
 *    aria-haspopup, which a div without a role may not carry; the inputs are what a keyboard uses.
 * 4. Upload keeps an invisible file input in the tab order, without a name, beside the visible button that
 *    opens the same file chooser (``vm-upload``): the button is the one control, the input is hidden.
 *
 * Dash re-renders these elements at any time, so every element added or changed is checked again.
 */
(function () {
    'use strict';

    const RADIO_LIST = '.dash-radioitems[role="listbox"]';
    const RADIO_OPTION = '.dash-radioitems > .dash-options-list-option:is([role="option"], [aria-selected])';
    const FOCUS_STAND_IN = 'input.dash-dropdown-focus-target';
    const DATE_OPENER = '.dash-datepicker-input-wrapper[aria-expanded], .dash-datepicker-input-wrapper[aria-haspopup]';
    const UPLOAD_INPUT = '.vm-upload input[type="file"]:not([aria-hidden])';

    function matching(root, selector) {
        const found = root.matches && root.matches(selector) ? [root] : [];
        return root.querySelectorAll ? found.concat(Array.from(root.querySelectorAll(selector))) : found;
    }

    function correct(root) {
        matching(root, RADIO_LIST).forEach(function (list) {
            list.setAttribute('role', 'radiogroup');
            const label = list.parentElement && list.parentElement.querySelector(':scope > label[id]');
            if (label && !list.hasAttribute('aria-labelledby')) {
                list.setAttribute('aria-labelledby', label.id);
            }
        });
        matching(root, RADIO_OPTION).forEach(function (option) {
            option.removeAttribute('role');
            option.removeAttribute('aria-selected');
        });
        matching(root, FOCUS_STAND_IN).forEach(function (standIn) {
            if (standIn.tabIndex !== -1) {
                standIn.tabIndex = -1;
            }
            const button = standIn.nextElementSibling;
            if (button && button.tagName === 'BUTTON' && !button.disabled && button.tabIndex !== 0) {
                button.tabIndex = 0;
            }
        });
        matching(root, DATE_OPENER).forEach(function (opener) {
            opener.removeAttribute('aria-expanded');
            opener.removeAttribute('aria-haspopup');
        });
        matching(root, UPLOAD_INPUT).forEach(function (input) {
            input.tabIndex = -1;
            input.setAttribute('aria-hidden', 'true');
        });
    }

    new MutationObserver(function (mutations) {
        mutations.forEach(function (mutation) {
            if (mutation.type === 'attributes') {
                correct(mutation.target);
                // A dropdown's button enabled again: its stand-in decides its tab stop.
                const before = mutation.target.previousElementSibling;
                if (before && before.matches(FOCUS_STAND_IN)) {
                    correct(before);
                }
            } else {
                mutation.addedNodes.forEach(function (node) {
                    if (node.nodeType === Node.ELEMENT_NODE) {
                        correct(node);
                    }
                });
            }
        });
    }).observe(document.documentElement, {
        childList: true,
        subtree: true,
        attributes: true,
        attributeFilter: ['role', 'tabindex', 'aria-selected', 'aria-expanded', 'aria-haspopup', 'disabled'],
    });
    correct(document.documentElement);
})();
