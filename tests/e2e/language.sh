#!/usr/bin/env bash
# language.sh — the till speaks Russian and Kazakh, through tmux: LANG=ru_RU
# gives a Russian login, sale screen, totals, help and key bar that fits 80
# columns up to F12; LANG=kk_KZ gives Kazakh texts and the catalog's Kazakh
# product names; [ui] language = kk in config.ini wins over LANG=ru.
. "$(dirname "$0")/lib.sh"
e2e_setup

# The bottom row of the pane: the function-key bar.
bar() { screen | tail -n 1; }
# Waits up to 3 s for the key bar to match the regex $1.
expect_bar() {
	local i
	for i in $(seq 60); do
		bar | grep -Eq -- "$1" && return 0
		sleep 0.05
	done
	return 1
}

# ---- Russian, from LANG (no ru_RU locale needs to be installed) ----------
till_start LANG=ru_RU.UTF-8
check "ru: the login box is titled Войти" expect_screen '─ Войти ─'
check "ru: the login question is Russian" expect_screen 'Кто за кассой\? \(↑ ↓\)'
check "ru: the login roles are Russian" expect_screen 'Айгерим +кассир'
check "ru: the login hint is Russian" expect_screen 'Введите PIN и нажмите Enter'
check "ru: the login key bar is Russian" expect_bar '^F1Помощь Ctrl-QВыход *$'
login 1 0000
check "ru: a wrong PIN is refused in Russian" expect_screen 'Неверный PIN, осталось попыток: 4'
login 0 1111 # the list stays on Айгерим
check "ru: the shift opens with a Russian greeting" expect_screen 'Смена 1 открыта\. Здравствуйте, Айгерим!'
check "ru: the header says смена" expect_screen 'Айгерим │ смена 1'
check "ru: the connection state is Russian" expect_screen 'в сети [0-9]+ мс' 5
check "ru: the empty basket hint is Russian" expect_screen 'Отсканируйте штрихкод'
check "ru: the column titles are Russian" expect_screen 'Товар +Кол +Цена +Сумма +НДС'

keys 4870000025008 Enter
check "ru: a scanned barcode adds the Russian product name" \
	expect_screen '1 Сахар-песок 1 кг +1 +549,00 +549,00 +10%'
check "ru: the total label is ИТОГО" expect_screen 'ИТОГО: 549,00 ₸'
check "ru: VAT is НДС" expect_screen 'НДС 10%: 49,91 ₸'
check "ru: the counts are Russian" expect_screen 'Товаров: 1  Позиций: 1'
check "ru: the key bar fits 80 columns, F12's label last" \
	expect_bar '^F1Помощь F3Кол F4Скид F5Отлож F6Нал F7Карта F8Сторно F9Журн F10QR F11Тел F12Отч *$'

keys 4600000000008 Enter
check "ru: an unknown code is refused in Russian" \
	expect_screen 'Неизвестный код 4600000000008: ничего не добавлено'
keys F1
check "ru: the help is Russian" expect_screen 'Справка: клавиши'
check "ru: the help lines come from the Russian key table" expect_screen 'F10 +Оплата Kaspi QR'
check "ru: the help's key bar is Russian" expect_bar '^EscНазад *$'
keys Escape
keys F3
check "ru: the quantity dialog is Russian" expect_screen 'Новое количество:'
check "ru: the dialog's footer is Russian" expect_screen 'Enter ОК · Esc отмена'
keys Escape
keys F8; sleep 0.2; keys Enter
check "ru: a voided line is marked сторно" expect_screen '1 \[сторно\] Сахар-песок'
check "ru: the void message is Russian" expect_screen 'Сторно: Сахар-песок 1 кг'

# ---- Kazakh, from LANG ----------------------------------------------------
tm kill-session -t till
till_start LANG=kk_KZ.UTF-8
check "kk: the login question is Kazakh" expect_screen 'Кассада кім тұр\? \(↑ ↓\)'
check "kk: the login key bar is Kazakh" expect_bar '^F1Көмек Ctrl-QШығу *$'
login 1 1111
check "kk: the greeting is Kazakh" expect_screen 'Сәлеметсіз бе, Айгерим!'
check "kk: the header says ауысым" expect_screen 'Айгерим │ ауысым 1'
check "kk: the column titles are Kazakh" expect_screen 'Тауар +Саны +Бағасы +Сомасы +ҚҚС'
keys 4870000025008 Enter
check "kk: a scanned barcode adds the Kazakh product name" \
	expect_screen '1 Қант 1 кг +1 +549,00 +549,00 +10%'
check "kk: the Russian name is not shown" expect_no_screen 'Сахар-песок'
check "kk: the total label is БАРЛЫҒЫ" expect_screen 'БАРЛЫҒЫ: 549,00 ₸'
check "kk: VAT is ҚҚС" expect_screen 'ҚҚС 10%: 49,91 ₸'
check "kk: the key bar fits 80 columns, F12's label last" \
	expect_bar '^F1Көмек F3Саны F4Жеңіл F5Кейін F6Қол F7Карта F8Жою F9Журн F10QR F11Тел F12Есеп *$'
keys F2; type_fast 'сүт'
check "kk: the search dialog is Kazakh" expect_screen 'Атауы не коды: сүт_'
check "kk: search results carry Kazakh names" expect_screen '4870000001002 Сүт Food Master 2,5% 1 л'
keys Escape

# ---- [ui] language in config.ini wins over LANG ---------------------------
tm kill-session -t till
printf '[ui]\nlanguage = kk\n' >"$XDG_CONFIG_HOME/kaspi-pos/config.ini"
till_start LANG=ru_RU.UTF-8
check "config kk over LANG=ru: the login is Kazakh" expect_screen 'Кассада кім тұр\?'
check "config kk over LANG=ru: nothing Russian on the login" expect_no_screen 'Кто за кассой|Помощь'
login 1 1111
keys 4870000025008 Enter
check "config kk over LANG=ru: Kazakh product names" expect_screen '1 Қант 1 кг +1 +549,00'
check "config kk over LANG=ru: the Kazakh key bar" expect_bar '^F1Көмек F3Саны .* F12Есеп *$'

e2e_finish
