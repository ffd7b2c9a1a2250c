// The on-screen keyboard (Qt Virtual Keyboard), embedded in the kiosk window so a full-screen
// kiosk cannot hide it. Only the kiosk's languages: Pinyin for Chinese, and English.
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

InputPanel {
    id: panel
    Component.onCompleted: {
        VirtualKeyboardSettings.activeLocales = keyboardLocales
        VirtualKeyboardSettings.locale = keyboardLocales[0]
        // The Pinyin candidate bar always takes its place above the keys: the keyboard keeps
        // one height, so the screen above it does not jump at the first letter typed.
        VirtualKeyboardSettings.wordCandidateList.alwaysVisible = true
    }
}
