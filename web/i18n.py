"""Korean and English strings for every visible text on SignDesk's pages. Pure data and a lookup.

Keys are dotted (`book.name`). Placeholders use `{name}`. Korean is the default language; a key
missing in Korean falls back to English, then to the key itself, so a gap shows up as text
instead of an error. `tests/web/test_i18n.py` keeps both tables complete and in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

DEFAULT_LANG: Final = "ko"
LANGUAGES: Final = ("ko", "en")

KO: Final[Mapping[str, str]] = {
    # ---------------------------------------------------------------- site
    "app.name": "SignDesk 수어 상담",
    "lang.switch": "English",
    "nav.skip": "본문으로 건너뛰기",
    "nav.label": "주 메뉴",
    "nav.staff": "상담 예약 관리",
    "nav.interpreter": "통역사 홈",
    "nav.my_booking": "내 예약 보기",
    "nav.logged_in_as": "{name} 님",
    "nav.logout": "로그아웃",
    "footer.help": (
        "온라인 예약이 어려우면 전화(120), 문자 또는 민원 창구에서 직원이 대신 예약해 드립니다."
    ),
    "time.zone_note": "모든 시간은 {zone} 기준입니다.",
    "time.zone_kst": "한국 표준시(KST, UTC+9)",
    "status.loading": "불러오는 중입니다…",
    "status.saving": "저장하는 중입니다…",
    # ---------------------------------------------------------------- citizen booking
    "book.title": "수어 상담 예약",
    "book.heading": "수어 영상 상담 예약",
    "book.intro": (
        "수어 통역사와 영상으로 상담할 시간을 예약하세요. 수어 종류와 상담 주제를 고르고, "
        "날짜와 시간을 선택한 뒤 이름 또는 별명을 입력하면 됩니다."
    ),
    "book.step_what": "1. 수어와 상담 주제",
    "book.step_when": "2. 날짜와 시간",
    "book.step_who": "3. 예약하는 분",
    "book.language": "수어 종류",
    "book.when": "날짜와 시간",
    "book.specialty": "전문 분야 (선택)",
    "book.specialty_hint": "특정 분야에 익숙한 통역사가 필요하면 고르세요.",
    "book.specialty_any": "상관없음",
    "book.topic": "상담 주제",
    "book.topic_choose": "주제를 고르세요",
    "book.name": "이름 또는 별명",
    "book.name_hint": "실명이 아니어도 됩니다. 상담 때 부를 이름을 적어 주세요.",
    "book.contact": "연락처 (선택)",
    "book.contact_hint": "알림을 받을 이메일 또는 휴대전화 번호입니다.",
    "book.note": "미리 알려 줄 내용 (선택)",
    "book.note_hint": "상담 전에 통역사가 알면 좋은 내용을 적어 주세요.",
    "book.submit": "예약하기",
    "book.submitting": "예약하는 중입니다… 잠시 기다려 주세요.",
    "book.done": "예약이 완료되었습니다. 예약 코드는 {code}입니다.",
    # ---------------------------------------------------------------- slot picker
    "slots.day": "날짜 선택",
    "slots.today": "오늘 · {weekday}",
    "slots.day_free": "빈 시간 {n}",
    "slots.day_none": "마감",
    "slots.times_for": "{day} 시간 선택",
    "slots.free": "남은 {n}",
    "slots.chosen": "선택한 시간: {when} ({zone})",
    "slots.loading": "예약 가능한 시간을 불러오는 중입니다…",
    "slots.load_failed": "예약 가능한 시간을 불러오지 못했습니다. 잠시 뒤 다시 시도해 주세요.",
    "slots.need_language": "수어 종류를 먼저 고르세요.",
    "slots.none_day": "이 날에는 예약할 수 있는 시간이 없습니다. 다른 날을 고르세요.",
    "slots.none_all": (
        "앞으로 2주 동안 예약할 수 있는 시간이 없습니다. 다른 수어나 전문 분야를 고르거나 "
        "전화(120)로 문의해 주세요."
    ),
    # ---------------------------------------------------------------- consent (PIPA Art. 15)
    "consent.title": "4. 개인정보 수집·이용 동의 (필수)",
    "consent.purpose_label": "수집·이용 목적",
    "consent.purpose": "수어 통역 상담의 예약과 상담 제공",
    "consent.items_label": "수집 항목",
    "consent.items": (
        "이름 또는 별명, 연락처(선택), 메모(선택), 예약 시간, 수어 종류, 상담 주제, 전문 분야(선택)"
    ),
    "consent.retention_label": "보유·이용 기간",
    "consent.retention": "예약일로부터 {period} 동안 보관한 뒤 파기합니다.",
    "consent.years_one": "1년",
    "consent.years": "{n}년",
    "consent.days": "{n}일",
    "consent.refuse_label": "동의를 거부할 권리",
    "consent.refuse": (
        "동의를 거부할 수 있습니다. 거부하면 온라인 예약은 할 수 없으며, "
        "전화(120)나 문자, 민원 창구에서 예약하실 수 있습니다."
    ),
    "consent.agree": "위 내용을 읽었으며 개인정보 수집·이용에 동의합니다. (필수)",
    "consent.staff_read": "예약하는 분에게 아래 내용을 읽어 주거나 보여 주고 동의를 받으세요.",
    "consent.staff_agree": "예약하는 분에게 위 내용을 안내했고 동의를 받았습니다. (필수)",
    # ---------------------------------------------------------------- form errors
    "form.summary_title": "입력 내용을 확인해 주세요",
    "form.fix_errors": "입력 내용에 문제가 있습니다. 표시된 항목을 고쳐 주세요.",
    "field.invalid": "입력 내용이 올바르지 않습니다.",
    "field.language": "수어 종류를 고르세요.",
    "field.specialty": "목록에 있는 전문 분야를 고르세요.",
    "field.topic": "상담 주제를 고르세요.",
    "field.start": "날짜와 시간을 고르세요.",
    "field.name": "이름 또는 별명을 입력해 주세요.",
    "field.contact": "이메일 주소나 휴대전화 번호를 올바르게 입력해 주세요.",
    "field.note": "메모가 너무 깁니다. 줄여 주세요.",
    "field.consent": "개인정보 수집·이용에 동의해야 온라인으로 예약할 수 있습니다.",
    "field.consent_version": "동의 내용이 바뀌었습니다. 페이지를 새로 고친 뒤 다시 확인해 주세요.",
    "field.channel": "접수 경로를 고르세요.",
    "field.code": "예약 코드를 입력해 주세요. 예: K7F-2QD",
    "field.token": "관리 키 또는 관리 링크를 붙여 넣어 주세요.",
    "field.display_name": "통역사 이름을 입력해 주세요.",
    "field.sign_languages": "수어를 하나 이상 고르세요.",
    "field.spoken_languages": "음성 언어를 쉼표로 구분해 입력해 주세요. 예: ko, en",
    "field.specialties": "목록에 있는 전문 분야를 고르세요.",
    "field.weekday": "요일을 고르세요.",
    "field.shift_start": "시작 시간을 입력해 주세요.",
    "field.shift_end": "끝 시간을 입력해 주세요.",
    "field.exc_start": "시작 일시를 입력해 주세요.",
    "field.exc_end": "끝 일시를 입력해 주세요.",
    "field.kind": "종류를 고르세요.",
    "field.active": "활동 여부를 정해 주세요.",
    "field.end": "끝 시간은 시작 시간보다 뒤여야 합니다.",
    "err.slot_taken": (
        "방금 다른 분이 그 시간을 예약했습니다. "
        "입력하신 내용은 그대로 있으니 다른 시간을 골라 주세요."
    ),
    "err.slot_unavailable": (
        "그 시간은 이제 예약할 수 없습니다. 입력하신 내용은 그대로 있으니 다른 시간을 골라 주세요."
    ),
    "err.not_found": "찾을 수 없습니다. 코드나 링크를 확인해 주세요.",
    "err.login_required": "로그인이 필요합니다. 페이지를 새로 고친 뒤 다시 로그인해 주세요.",
    "err.forbidden": "이 작업을 할 권한이 없습니다.",
    "err.csrf": "보안 확인이 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
    "err.bad_origin": "허용되지 않은 곳에서 보낸 요청입니다. 페이지를 새로 고쳐 주세요.",
    "err.invalid": "입력 내용이 올바르지 않습니다.",
    "err.conflict": "다른 변경과 겹쳤습니다. 목록을 새로 고친 뒤 다시 시도해 주세요.",
    "err.illegal_transition": "이 예약은 이미 처리되어 상태를 바꿀 수 없습니다.",
    "err.not_active": "이 예약은 이미 취소되었거나 끝나서 바꿀 수 없습니다.",
    "err.not_started": "상담 시작 시간이 지난 뒤에만 불참으로 처리할 수 있습니다.",
    "err.bad_json": "요청 형식이 잘못되었습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
    "err.too_many_requests": "요청이 너무 많습니다. 잠시 뒤 다시 시도해 주세요.",
    "err.too_large": "보낸 내용이 너무 큽니다.",
    "err.network": "서버에 연결할 수 없습니다. 인터넷 연결을 확인하고 다시 시도해 주세요.",
    "err.internal": "서버에서 오류가 났습니다. 변경된 것은 없습니다. 잠시 뒤 다시 시도해 주세요.",
    "err.unexpected": "알 수 없는 오류가 났습니다. 다시 시도해 주세요.",
    # ---------------------------------------------------------------- confirmation
    "confirm.heading": "예약이 완료되었습니다",
    "confirm.code_label": "예약 코드",
    "confirm.code_hint": "상담 때와 예약을 바꿀 때 이 코드가 필요합니다.",
    "confirm.when": "{when} ({zone})",
    "confirm.link_label": "예약 관리 링크",
    "confirm.link_hint": (
        "이 링크로 예약을 확인하고 바꾸거나 취소할 수 있습니다. "
        "링크를 가진 사람은 누구나 예약을 바꿀 수 있으니 안전하게 보관하세요."
    ),
    "confirm.copy": "링크 복사",
    "confirm.copied": "예약 관리 링크를 복사했습니다.",
    "confirm.copy_failed": "복사하지 못했습니다. 링크 칸을 길게 눌러 직접 복사해 주세요.",
    "confirm.calendar": "캘린더에 추가 (.ics)",
    "confirm.open": "예약 관리 열기",
    "confirm.another": "다른 예약 하기",
    "calendar.downloading": "캘린더 파일을 받는 중입니다…",
    "calendar.downloaded": "캘린더 파일(.ics)을 받았습니다. 파일을 열어 캘린더에 추가하세요.",
    # ---------------------------------------------------------------- my booking
    "manage.title": "내 예약",
    "manage.heading": "내 예약 확인·변경",
    "manage.details": "예약 내용",
    "manage.loading": "예약을 불러오는 중입니다…",
    "manage.loaded": "예약을 불러왔습니다.",
    "manage.invalid_title": "링크가 올바르지 않습니다",
    "manage.invalid_text": (
        "예약을 찾을 수 없습니다. 예약 코드와 관리 키를 확인하거나, 받은 링크 전체를 아래에 "
        "붙여 넣어 주세요. 계속 안 되면 전화(120)나 문자로 문의해 주세요."
    ),
    "manage.code": "예약 코드",
    "manage.code_hint": "예: K7F-2QD",
    "manage.key": "관리 키 또는 관리 링크",
    "manage.key_hint": "예약할 때 받은 링크 전체를 붙여 넣어도 됩니다.",
    "manage.lookup_heading": "예약 찾기",
    "manage.lookup_intro": "예약할 때 받은 코드와 관리 키(또는 관리 링크)를 입력하세요.",
    "manage.lookup_submit": "예약 보기",
    "manage.when": "일시",
    "detail.language": "수어",
    "detail.topic": "주제",
    "detail.specialty": "전문 분야",
    "detail.name": "이름",
    "detail.contact": "연락처",
    "detail.note": "메모",
    "manage.status": "상태",
    "manage.interpreter": "통역사",
    "manage.interpreter_tbd": "배정 예정",
    "manage.none": "없음",
    "manage.reschedule": "시간 바꾸기",
    "manage.reschedule_heading": "새 날짜와 시간 고르기",
    "manage.reschedule_save": "이 시간으로 바꾸기",
    "manage.reschedule_close": "바꾸지 않기",
    "manage.moving": "예약 시간을 바꾸는 중입니다…",
    "manage.moved": "예약 시간을 {when}(으)로 바꿨습니다.",
    "manage.cancel": "예약 취소",
    "manage.cancel_question": "이 예약을 취소할까요? 취소하면 되돌릴 수 없습니다.",
    "manage.cancel_yes": "예, 취소합니다",
    "manage.cancel_no": "아니요, 유지합니다",
    "manage.cancelling": "예약을 취소하는 중입니다…",
    "manage.cancelled": "예약을 취소했습니다.",
    # ---------------------------------------------------------------- statuses, channels, days
    "status_name.booked": "예약됨",
    "status_name.cancelled": "취소됨",
    "status_name.no_show": "불참",
    "status_name.completed": "완료",
    "channel.web": "웹",
    "channel.phone": "전화",
    "channel.sms": "문자",
    "channel.counter": "창구 방문",
    "exception.leave": "휴무",
    "exception.extra": "추가 근무",
    "weekday.0": "월요일",
    "weekday.1": "화요일",
    "weekday.2": "수요일",
    "weekday.3": "목요일",
    "weekday.4": "금요일",
    "weekday.5": "토요일",
    "weekday.6": "일요일",
    # ---------------------------------------------------------------- log-in
    "login.title": "로그인",
    "login.heading": "직원·통역사 로그인",
    "login.intro": "예약 담당 직원과 수어 통역사만 로그인합니다.",
    "login.username": "아이디",
    "login.password": "비밀번호",
    "login.submit": "로그인",
    "login.error_invalid": "아이디 또는 비밀번호가 맞지 않습니다. 다시 입력해 주세요.",
    "login.error_throttled": "로그인 시도가 너무 많습니다. 1분 뒤 다시 시도해 주세요.",
    "login.citizen_hint": "상담을 예약하려는 시민이신가요?",
    "login.citizen_link": "예약 페이지로 가기",
    # ---------------------------------------------------------------- staff console
    "staff.title": "상담 예약 관리",
    "staff.heading": "상담 예약 관리",
    "staff.sections": "관리 메뉴",
    "staff.tab_reservations": "예약 목록",
    "staff.tab_book": "대리 예약",
    "staff.tab_interpreters": "통역사",
    "staff.tab_shifts": "근무 일정",
    "staff.tab_live": "실시간 상담",
    "staff.live_heading": "실시간 상담 현황",
    "staff.live_intro": (
        "대기 중인 시민, 진행 중인 상담, 통역사 접속 상태입니다. 새 알림이 오면 자동으로 "
        "새로 고칩니다."
    ),
    "staff.live_alert_title": "배정된 통역사가 오지 않았습니다",
    "staff.live_alert_one": (
        "예약 {id} ({time} 시작, {language}): 배정 통역사 {name} 님이 없거나 준비되지 않았습니다. "
        "시민이 기다리고 있습니다."
    ),
    "staff.live_alert_open": "실시간 상담에서 넘기기",
    "staff.live_title_alert": "⚠ 통역사 부재 {n}건",
    "staff.live_conn.connecting": "실시간 알림: 연결하는 중…",
    "staff.live_conn.open": "실시간 알림: 연결됨",
    "staff.live_conn.reconnecting": "실시간 알림: 연결이 끊겨 다시 연결하는 중…",
    "staff.live_conn.closed": "실시간 알림: 연결되지 않음. '다시 연결'을 누르세요.",
    "staff.live_reconnect": "다시 연결",
    "staff.live_calls": "진행 중인 상담",
    "staff.live_no_calls": "진행 중인 상담이 없습니다.",
    "staff.live_interpreters": "통역사 접속 상태",
    "staff.live_no_interpreters": "접속한 통역사가 없습니다.",
    "staff.live_call_heading": "예약 {id} · {time} 시작",
    "staff.live_state_label": "상태",
    "staff.live_state.waiting": "시민 대기 중",
    "staff.live_state.matched": "연결 중",
    "staff.live_state.connected": "상담 중",
    "staff.live_state.reconnecting": "다시 연결 중",
    "staff.live_since": "{time}부터",
    "staff.live_waiting.interpreter_absent": "통역사 미접속",
    "staff.live_waiting.connecting": "통역사 접속, 아직 준비 안 됨",
    "staff.live_absent_badge": "통역사 부재",
    "staff.live_assigned": "배정 통역사",
    "staff.live_current": "현재 통역사",
    "staff.live_interpreter_n": "통역사 #{id}",
    "staff.live_handover_label": "넘겨받을 통역사 (같은 수어, 상담 가능)",
    "staff.live_handover": "다른 통역사에게 넘기기",
    "staff.live_no_candidates": (
        "지금 넘겨받을 수 있는 통역사가 없습니다. (같은 수어를 하고, 상담 가능 상태이며, "
        "다른 상담 중이 아닌 통역사)"
    ),
    "staff.live_handover_sent": "예약 #{id}을(를) {name} 님에게 넘기는 중…",
    "staff.live_handed_over": "예약 {id}: {name} 님에게 넘겨 연결했습니다.",
    "staff.live_handed_over_auto": (
        "예약 {id}: 유예 시간이 지나 {name} 님에게 자동으로 넘겨 연결했습니다."
    ),
    "staff.live_handover_failed": "넘기지 못했습니다: {reason} (오류 코드 {code})",
    "staff.live_err.handover_unavailable": (
        "그 통역사는 지금 접속·상담 가능 상태가 아니거나, 다른 상담 중이거나, 이 수어를 "
        "하지 않습니다"
    ),
    "staff.live_err.unknown_session": "그 상담이 이미 끝났습니다",
    "staff.live_err.illegal_state": "시민이 이미 연결되었거나 대기 중이 아닙니다",
    "staff.live_err.other": "요청이 처리되지 않았습니다",
    "staff.live_connected_no": "연결 끊김 (자리 유지 중)",
    "staff.view": "보기",
    "staff.view_day": "하루",
    "staff.view_week": "한 주",
    "staff.date": "날짜",
    "staff.status_filter": "상태",
    "staff.status_all": "모든 상태",
    "staff.prev": "이전",
    "staff.today": "오늘",
    "staff.next": "다음",
    "staff.refresh": "새로 고침",
    "staff.range_day": "{day} 예약 ({zone})",
    "staff.range_week": "{from} ~ {to} 예약 ({zone})",
    "staff.loaded_n": "· {n}건",
    "staff.no_reservations": "이 기간에는 예약이 없습니다.",
    "staff.unassigned": "통역사 미배정",
    "staff.group_heading": "{name} ({n}건)",
    "staff.channel": "접수 경로",
    "staff.cancel_booking": "예약 취소",
    "staff.no_show": "불참 처리",
    "staff.cancel_question": "예약 {code}을(를) 취소할까요?",
    "staff.no_show_question": "예약 {code}을(를) 불참으로 처리할까요?",
    "staff.cancelled": "예약 {code}을(를) 취소했습니다.",
    "staff.no_show_done": "예약 {code}을(를) 불참으로 처리했습니다.",
    "staff.confirm_yes": "예",
    "staff.confirm_no": "아니요",
    "staff.book_heading": "대리 예약",
    "staff.book_intro": (
        "전화, 문자, 창구로 연락한 분을 대신해 예약합니다. 예약 뒤 코드와 관리 링크를 전달하세요."
    ),
    "staff.booked_title": "대리 예약이 완료되었습니다",
    "staff.booked_link": "전달할 예약 관리 링크",
    "staff.booked_hint": (
        "문자 등으로 예약하신 분에게만 전달하세요. 링크로 예약을 바꿀 수 있습니다."
    ),
    "staff.book_another": "새 대리 예약",
    "staff.int_add": "통역사 추가",
    "staff.int_edit": "편집",
    "staff.int_edit_named": "{name} 편집",
    "staff.int_edit_title": "{name} 편집",
    "staff.int_name": "이름",
    "staff.int_sign_languages": "가능한 수어",
    "staff.int_spoken": "음성 언어",
    "staff.int_spoken_hint": "쉼표로 구분합니다. 예: ko, en",
    "staff.int_specialties": "전문 분야",
    "staff.int_active": "활동 중 (예약을 받을 수 있음)",
    "staff.int_active_yes": "활동 중",
    "staff.int_active_no": "쉬는 중",
    "staff.int_save_new": "통역사 추가",
    "staff.int_save": "변경 저장",
    "staff.int_cancel_edit": "편집 취소",
    "staff.int_saved": "통역사 {name}의 정보를 저장했습니다.",
    "staff.sh_interpreter": "통역사",
    "staff.sh_weekly": "주간 근무",
    "staff.sh_exceptions": "날짜별 예외 (휴무·추가 근무)",
    "staff.sh_add_shift": "주간 근무 추가",
    "staff.sh_add_shift_submit": "근무 추가",
    "staff.sh_weekday": "요일",
    "staff.sh_start": "시작 시간",
    "staff.sh_end": "끝 시간",
    "staff.sh_add_exc": "예외 추가",
    "staff.sh_add_exc_submit": "예외 추가",
    "staff.sh_kind": "종류",
    "staff.sh_from": "시작 일시",
    "staff.sh_until": "끝 일시",
    "staff.sh_note": "메모 (선택)",
    "staff.sh_shift_text": "{day} {start}\u2013{end}",
    "staff.sh_exc_text": "{kind}: {from} ~ {to}",
    "staff.sh_no_shifts": "등록된 주간 근무가 없습니다.",
    "staff.sh_no_exceptions": "등록된 예외가 없습니다.",
    "staff.sh_no_interpreter": "먼저 통역사를 추가하세요.",
    "staff.sh_added": "추가했습니다.",
    "staff.sh_deleted": "삭제했습니다.",
    "staff.delete": "삭제",
    "staff.delete_named": "{what} 삭제",
    "staff.delete_question": "{what}을(를) 삭제할까요?",
    # ---------------------------------------------------------------- interpreter home
    "interp.title": "통역사 홈",
    "interp.heading": "오늘의 상담 예약",
    "interp.date": "{day} ({zone})",
    "interp.list_heading": "예약 목록",
    "interp.loaded": "오늘의 예약을 불러왔습니다.",
    "interp.empty": "오늘은 예약이 없습니다.",
    # ---------------------------------------------------------------- my booking: join the call
    "manage.join_call": "영상 상담 들어가기",
    "manage.join_hint": "상담 시작 {n}분 전부터 영상 상담에 들어갈 수 있습니다.",
    # ---------------------------------------------------------------- call page (caller)
    "call.title": "영상 상담",
    "call.heading": "수어 영상 상담",
    "call.slot": "예약 시간: {when} ({zone})",
    "call.invalid_title": "상담 링크가 올바르지 않습니다",
    "call.invalid_text": (
        "예약 코드나 관리 키가 맞지 않습니다. 예약할 때 받은 링크 전체를 다시 열거나, "
        "내 예약 페이지에서 '영상 상담 들어가기'를 누르세요. 계속 안 되면 전화(120)나 문자로 "
        "문의해 주세요."
    ),
    "call.to_my_booking": "내 예약 페이지로 가기",
    "call.closed_title": "이 예약으로는 영상 상담에 들어갈 수 없습니다",
    "call.enter": "대기실로 들어가기",
    "call.rejoin": "다시 들어가기",
    "call.reconnect": "다시 연결",
    # ---------------------------------------------------------------- camera check
    "camera.heading": "1. 카메라 확인",
    "camera.intro": (
        "상담 전에 카메라를 켜서 내 모습을 확인하세요. 상체와 두 손이 점선 네모 안에 모두 "
        "보이도록 카메라와 거리를 맞추세요. 소리는 쓰지 않습니다."
    ),
    "camera.start": "카메라 켜기",
    "camera.starting": "카메라를 켜는 중입니다… 카메라 사용을 묻는 창이 뜨면 '허용'을 누르세요.",
    "camera.ready": "카메라가 켜졌습니다. 상체와 두 손이 점선 네모 안에 보이는지 확인하세요.",
    "camera.choose": "카메라 선택",
    "camera.default_name": "카메라 {n}",
    "camera.guide": "상체와 두 손을 이 안에",
    "camera.preview_label": "내 카메라 미리 보기",
    "camera.settings": "내 카메라: {width}\u00d7{height}, 초당 {fps}프레임",
    "camera.degraded": (
        "이 카메라는 수어에 권장하는 화질(640\u00d7480, 초당 25프레임 이상)을 지원하지 않습니다. "
        "상담은 할 수 있지만 손 모양이 흐리게 보일 수 있습니다."
    ),
    "camera.retry": "다시 시도",
    "camera.err_denied_title": "카메라 사용이 허용되지 않았습니다",
    "camera.err_denied_text": (
        "주소창 옆의 자물쇠(또는 카메라) 아이콘을 눌러 카메라를 '허용'으로 바꾼 뒤 "
        "'다시 시도'를 누르세요. 휴대전화에서는 설정에서 이 브라우저 앱의 카메라 권한을 켜세요."
    ),
    "camera.err_notfound_title": "카메라를 찾을 수 없습니다",
    "camera.err_notfound_text": (
        "카메라가 연결되어 있는지 확인하고 '다시 시도'를 누르세요. 카메라가 없는 컴퓨터라면 "
        "휴대전화로 이 링크를 여세요."
    ),
    "camera.err_busy_title": "다른 프로그램이 카메라를 쓰고 있습니다",
    "camera.err_busy_text": (
        "다른 영상 통화 앱이나 카메라를 쓰는 브라우저 탭을 닫은 뒤 '다시 시도'를 누르세요."
    ),
    "camera.err_other_title": "카메라를 켤 수 없습니다",
    "camera.err_other_text": (
        "브라우저를 최신 버전으로 업데이트하거나 크롬, 사파리, 엣지로 이 링크를 여세요. "
        "계속 안 되면 전화(120)나 문자로 문의해 주세요."
    ),
    # ---------------------------------------------------------------- waiting room
    "wait.heading": "2. 대기실",
    "wait.joining": "대기실에 들어가는 중입니다…",
    "wait.absent": "통역사가 아직 들어오지 않았습니다. 이 화면을 열어 둔 채 기다려 주세요.",
    "wait.connecting": "통역사와 곧 연결됩니다. 잠시만 기다려 주세요.",
    "wait.arrived": "통역사가 들어왔습니다. 영상을 연결합니다.",
    "wait.too_early": (
        "대기실은 {time}부터 열립니다. 이 화면을 열어 두면 그때 자동으로 들어갑니다."
    ),
    "wait.too_late": "예약 시간이 끝나 상담에 들어갈 수 없습니다. 새로 예약해 주세요.",
    "wait.not_active": "이 예약은 취소되었거나 이미 끝났습니다.",
    "wait.other_tab": (
        "이 상담이 다른 탭이나 기기에서 이미 열려 있습니다. 그 화면을 닫고 '다시 연결'을 누르세요."
    ),
    "wait.replaced": "이 상담을 다른 탭이나 기기에서 열었습니다. 이 화면은 닫아도 됩니다.",
    "wait.leave": "대기실 나가기",
    "wait.left": "대기실에서 나왔습니다.",
    # ---------------------------------------------------------------- window title
    "title.waiting": "⏳ 대기 중",
    "title.arrived": "🔔 통역사 도착",
    "title.connecting": "… 연결 중",
    "title.in_call": "● 상담 중",
    "title.reconnecting": "⚠ 다시 연결 중",
    "title.ended": "■ 상담 끝남",
    "title.matched": "🔔 상담 연결",
    # ---------------------------------------------------------------- signaling connection
    "sig.connecting": "서버에 연결하는 중입니다…",
    "sig.connected": "서버에 연결되었습니다.",
    "sig.reconnecting": "서버 연결이 끊겼습니다. 다시 연결하는 중입니다…",
    "sig.failed": "서버에 연결할 수 없습니다. 인터넷 연결을 확인하고 '다시 연결'을 누르세요.",
    "sig.error": "요청이 처리되지 않았습니다. ({code})",
    # ---------------------------------------------------------------- call view (both pages)
    "video.heading": "3. 영상 상담",
    "video.heading_plain": "영상 상담",
    "video.with": "{name} 님과 영상 상담",
    "video.remote_label": "상대방 영상: {name}",
    "video.self_label": "내 영상",
    "video.hangup": "통화 끝내기",
    "video.hangup_question": "통화를 끝낼까요?",
    "video.hangup_yes": "예, 끝냅니다",
    "video.hangup_no": "아니요, 계속합니다",
    "video.status_label": "연결 상태",
    "video.state.connecting": "연결 중",
    "video.state.connected": "연결됨",
    "video.state.reconnecting": "다시 연결 중",
    "video.state.poor": "연결 상태 나쁨",
    "video.state.ended": "통화 끝남",
    "video.detail.connecting": "영상을 연결하고 있습니다…",
    "video.detail.reconnecting": "연결이 끊겼습니다. 다시 연결하는 중입니다…",
    "video.detail.peer_away": "상대방 연결이 끊겼습니다. 최대 {s}초 동안 돌아오기를 기다립니다.",
    "video.detail.poor": (
        "영상이 끊기거나 느립니다. 와이파이 가까이로 옮기거나 다른 앱을 닫아 보세요."
    ),
    "video.fps": "받는 영상: 초당 {fps}프레임",
    "video.fps_none": "받는 영상: 측정 중",
    "video.ended_heading": "상담이 끝났습니다",
    "video.end.hangup_self": "통화를 끝냈습니다.",
    "video.end.hangup_peer": "상대방이 통화를 끝냈습니다.",
    "video.end.hangup_staff": "상담 직원이 통화를 끝냈습니다.",
    "video.end.media_failed": "영상 연결이 되지 않아 통화가 끝났습니다.",
    "video.end.dropped": "연결이 끊긴 뒤 제시간에 돌아오지 않아 통화가 끝났습니다.",
    "video.end.expired": "예약 시간이 끝나 상담이 끝났습니다.",
    "video.end.shutdown": "서버 점검으로 통화가 끝났습니다. 잠시 뒤 다시 들어와 주세요.",
    # ---------------------------------------------------------------- interpreter console
    "console.heading": "영상 상담 콘솔",
    "console.presence": "내 상태: {state}",
    "console.presence.offline": "연결 안 됨",
    "console.presence.away": "자리 비움",
    "console.presence.ready": "상담 가능",
    "console.presence.offered": "연결 제안 중",
    "console.presence.in_session": "상담 중",
    "console.presence.wrap_up": "상담 정리 중",
    "console.go_ready": "상담 가능으로 바꾸기",
    "console.go_away": "자리 비움으로 바꾸기",
    "console.ready_hint": (
        "상담 가능일 때 예약한 분이 대기실에 들어오면 바로 영상이 연결됩니다. "
        "먼저 카메라를 켜서 화면을 확인하세요."
    ),
    "console.camera_heading": "카메라",
    "console.other_tab": (
        "통역사 콘솔이 다른 탭이나 기기에서 열려 있습니다. 그 화면을 닫고 '다시 연결'을 누르세요."
    ),
    "console.matched": "{name} 님과 영상을 연결합니다.",
    "console.call_with": "{name} 님과 상담 중",
    "console.state_label": "상담 상태",
    "console.state.not_arrived": "아직 안 들어옴",
    "console.state.not_started": "시작 전",
    "console.state.in_call": "상담 중",
    "console.state.done": "상담 끝남",
    "console.state.closed": "상담 없음",
    "console.state.caller_waiting": "시민 대기 중",
    "console.caller_waiting": "{name} 님이 대기실에서 기다립니다. 상담 가능으로 바꾸면 연결됩니다.",
    "title.caller_waiting": "🔔 시민 대기 중",
    "console.caller_left.handed_over": "{name} 님은 다른 통역사에게 연결되었습니다.",
    "console.caller_left.hung_up": "{name} 님이 대기실을 나갔습니다.",
    "console.caller_left.disconnected": (
        "{name} 님의 연결이 끊겼습니다. 돌아오면 다시 알려 드립니다."
    ),
    "console.caller_left.expired": "{name} 님의 예약 시간이 끝났습니다.",
    "console.caller_left.shutdown": "서버가 재시작되어 {name} 님의 대기가 끝났습니다.",
}

EN: Final[Mapping[str, str]] = {
    # ---------------------------------------------------------------- site
    "app.name": "SignDesk Sign-Language Counseling",
    "lang.switch": "한국어",
    "nav.skip": "Skip to main content",
    "nav.label": "Main menu",
    "nav.staff": "Reservations console",
    "nav.interpreter": "Interpreter home",
    "nav.my_booking": "My booking",
    "nav.logged_in_as": "Signed in as {name}",
    "nav.logout": "Log out",
    "footer.help": (
        "Can't book online? Our staff can book for you by phone (120), text message or at the "
        "service counter."
    ),
    "time.zone_note": "All times are in {zone}.",
    "time.zone_kst": "Korea Standard Time (KST, UTC+9)",
    "status.loading": "Loading…",
    "status.saving": "Saving…",
    # ---------------------------------------------------------------- citizen booking
    "book.title": "Book sign-language counseling",
    "book.heading": "Book a sign-language video counseling session",
    "book.intro": (
        "Book a time to talk by video with a sign-language interpreter. Choose the sign language "
        "and topic, pick a day and time, then enter your name or a nickname."
    ),
    "book.step_what": "1. Sign language and topic",
    "book.step_when": "2. Day and time",
    "book.step_who": "3. About you",
    "book.language": "Sign language",
    "book.when": "Day and time",
    "book.specialty": "Specialty (optional)",
    "book.specialty_hint": "Choose one if you need an interpreter who knows a particular field.",
    "book.specialty_any": "Any",
    "book.topic": "Topic",
    "book.topic_choose": "Choose a topic",
    "book.name": "Name or nickname",
    "book.name_hint": "It need not be your real name: the name we should call you in the session.",
    "book.contact": "Contact (optional)",
    "book.contact_hint": "E-mail address or mobile number, for reminders.",
    "book.note": "Anything we should know (optional)",
    "book.note_hint": "Something the interpreter should know before the session.",
    "book.submit": "Book",
    "book.submitting": "Booking… please wait.",
    "book.done": "Your booking is confirmed. Your booking code is {code}.",
    # ---------------------------------------------------------------- slot picker
    "slots.day": "Choose a day",
    "slots.today": "Today · {weekday}",
    "slots.day_free": "{n} open",
    "slots.day_none": "Full",
    "slots.times_for": "Choose a time on {day}",
    "slots.free": "{n} free",
    "slots.chosen": "Chosen time: {when} ({zone})",
    "slots.loading": "Loading available times…",
    "slots.load_failed": "Could not load available times. Please try again shortly.",
    "slots.need_language": "Choose a sign language first.",
    "slots.none_day": "No times are free on this day. Please choose another day.",
    "slots.none_all": (
        "No times are free in the next two weeks. Choose another sign language or specialty, or "
        "call 120."
    ),
    # ---------------------------------------------------------------- consent (PIPA Art. 15)
    "consent.title": "4. Consent to collect and use personal information (required)",
    "consent.purpose_label": "Purpose",
    "consent.purpose": "Arranging and providing sign-language counseling",
    "consent.items_label": "Items collected",
    "consent.items": (
        "Name or nickname, contact (optional), note (optional), booking time, sign language, "
        "topic, specialty (optional)"
    ),
    "consent.retention_label": "Retention period",
    "consent.retention": "Kept for {period} from the booking date, then deleted.",
    "consent.years_one": "1 year",
    "consent.years": "{n} years",
    "consent.days": "{n} days",
    "consent.refuse_label": "Your right to refuse",
    "consent.refuse": (
        "You may refuse. If you refuse, you cannot book online, but you can book by phone (120), "
        "text message or at the service counter."
    ),
    "consent.agree": (
        "I have read the above and agree to the collection and use of my personal information. "
        "(required)"
    ),
    "consent.staff_read": "Read or show the terms below to the caller and ask for their consent.",
    "consent.staff_agree": "I told the caller the terms above and they agreed. (required)",
    # ---------------------------------------------------------------- form errors
    "form.summary_title": "Please check your entries",
    "form.fix_errors": "Some entries need fixing. Please correct the marked fields.",
    "field.invalid": "This entry is not valid.",
    "field.language": "Choose a sign language.",
    "field.specialty": "Choose a specialty from the list.",
    "field.topic": "Choose a topic.",
    "field.start": "Choose a day and a time.",
    "field.name": "Enter your name or a nickname.",
    "field.contact": "Enter a valid e-mail address or mobile number.",
    "field.note": "The note is too long. Please shorten it.",
    "field.consent": (
        "You must agree to the collection and use of personal information to book online."
    ),
    "field.consent_version": "The consent terms have changed. Reload the page and read them again.",
    "field.channel": "Choose how the booking came in.",
    "field.code": "Enter the booking code, for example K7F-2QD.",
    "field.token": "Paste the access key or the whole manage link.",
    "field.display_name": "Enter the interpreter's name.",
    "field.sign_languages": "Choose at least one sign language.",
    "field.spoken_languages": "Enter spoken languages separated by commas, e.g. ko, en.",
    "field.specialties": "Choose specialties from the list.",
    "field.weekday": "Choose a day of the week.",
    "field.shift_start": "Enter a start time.",
    "field.shift_end": "Enter an end time.",
    "field.exc_start": "Enter a start date and time.",
    "field.exc_end": "Enter an end date and time.",
    "field.kind": "Choose a kind.",
    "field.active": "Choose whether the interpreter is active.",
    "field.end": "The end must be after the start.",
    "err.slot_taken": (
        "Someone has just booked that time. Your entries are kept; please choose another time."
    ),
    "err.slot_unavailable": (
        "That time can no longer be booked. Your entries are kept; please choose another time."
    ),
    "err.not_found": "Not found. Please check the code or link.",
    "err.login_required": "Please log in again: reload the page.",
    "err.forbidden": "You are not allowed to do this.",
    "err.csrf": "The security check expired. Reload the page and try again.",
    "err.bad_origin": "This request came from a page that is not allowed. Reload the page.",
    "err.invalid": "Some entries are not valid.",
    "err.conflict": "This clashed with another change. Refresh the list and try again.",
    "err.illegal_transition": "This booking has already been handled; its status cannot change.",
    "err.not_active": "This booking is no longer active (cancelled or finished).",
    "err.not_started": "A no-show can be recorded only after the start time.",
    "err.bad_json": "The request was malformed. Reload the page and try again.",
    "err.too_many_requests": "Too many requests. Please wait a moment and try again.",
    "err.too_large": "What you sent is too large.",
    "err.network": "Cannot reach the server. Check your internet connection and try again.",
    "err.internal": "A server error occurred; nothing was changed. Please try again shortly.",
    "err.unexpected": "Something went wrong. Please try again.",
    # ---------------------------------------------------------------- confirmation
    "confirm.heading": "Your booking is confirmed",
    "confirm.code_label": "Booking code",
    "confirm.code_hint": "You need this code for the session and to change the booking.",
    "confirm.when": "{when} ({zone})",
    "confirm.link_label": "Manage link",
    "confirm.link_hint": (
        "Use this link to view, change or cancel the booking. Anyone with the link can change it, "
        "so keep it safe."
    ),
    "confirm.copy": "Copy link",
    "confirm.copied": "Manage link copied.",
    "confirm.copy_failed": "Could not copy. Select the link field and copy it yourself.",
    "confirm.calendar": "Add to calendar (.ics)",
    "confirm.open": "Open my booking",
    "confirm.another": "Make another booking",
    "calendar.downloading": "Downloading the calendar file…",
    "calendar.downloaded": (
        "Calendar file (.ics) downloaded. Open it to add the session to your calendar."
    ),
    # ---------------------------------------------------------------- my booking
    "manage.title": "My booking",
    "manage.heading": "View or change my booking",
    "manage.details": "Booking details",
    "manage.loading": "Loading your booking…",
    "manage.loaded": "Booking loaded.",
    "manage.invalid_title": "This link is not valid",
    "manage.invalid_text": (
        "We could not find the booking. Check the booking code and access key, or paste the whole "
        "link you received below. If it still does not work, contact us by phone (120) or text."
    ),
    "manage.code": "Booking code",
    "manage.code_hint": "For example K7F-2QD",
    "manage.key": "Access key or manage link",
    "manage.key_hint": "You can paste the whole link you received when you booked.",
    "manage.lookup_heading": "Find my booking",
    "manage.lookup_intro": (
        "Enter the code and access key (or the manage link) you received when you booked."
    ),
    "manage.lookup_submit": "Show booking",
    "manage.when": "When",
    "detail.language": "Sign language",
    "detail.topic": "Topic",
    "detail.specialty": "Specialty",
    "detail.name": "Name",
    "detail.contact": "Contact",
    "detail.note": "Note",
    "manage.status": "Status",
    "manage.interpreter": "Interpreter",
    "manage.interpreter_tbd": "To be assigned",
    "manage.none": "None",
    "manage.reschedule": "Change time",
    "manage.reschedule_heading": "Choose a new day and time",
    "manage.reschedule_save": "Move to this time",
    "manage.reschedule_close": "Keep current time",
    "manage.moving": "Moving your booking…",
    "manage.moved": "Your booking now starts {when}.",
    "manage.cancel": "Cancel booking",
    "manage.cancel_question": "Cancel this booking? This cannot be undone.",
    "manage.cancel_yes": "Yes, cancel it",
    "manage.cancel_no": "No, keep it",
    "manage.cancelling": "Cancelling your booking…",
    "manage.cancelled": "Your booking is cancelled.",
    # ---------------------------------------------------------------- statuses, channels, days
    "status_name.booked": "Booked",
    "status_name.cancelled": "Cancelled",
    "status_name.no_show": "No-show",
    "status_name.completed": "Completed",
    "channel.web": "Web",
    "channel.phone": "Phone",
    "channel.sms": "Text message",
    "channel.counter": "Counter",
    "exception.leave": "Leave",
    "exception.extra": "Extra hours",
    "weekday.0": "Monday",
    "weekday.1": "Tuesday",
    "weekday.2": "Wednesday",
    "weekday.3": "Thursday",
    "weekday.4": "Friday",
    "weekday.5": "Saturday",
    "weekday.6": "Sunday",
    # ---------------------------------------------------------------- log-in
    "login.title": "Log in",
    "login.heading": "Staff and interpreter log-in",
    "login.intro": "Only reservation staff and sign-language interpreters log in here.",
    "login.username": "Username",
    "login.password": "Password",
    "login.submit": "Log in",
    "login.error_invalid": "The username or password is wrong. Please try again.",
    "login.error_throttled": "Too many log-in attempts. Please try again in a minute.",
    "login.citizen_hint": "Want to book a counseling session?",
    "login.citizen_link": "Go to the booking page",
    # ---------------------------------------------------------------- staff console
    "staff.title": "Reservations console",
    "staff.heading": "Reservations console",
    "staff.sections": "Console sections",
    "staff.tab_reservations": "Reservations",
    "staff.tab_book": "Book on behalf",
    "staff.tab_interpreters": "Interpreters",
    "staff.tab_shifts": "Shifts",
    "staff.tab_live": "Live calls",
    "staff.live_heading": "Live calls",
    "staff.live_intro": (
        "Waiting callers, open sessions and who of the interpreters is online. "
        "It refreshes by itself when an alert arrives."
    ),
    "staff.live_alert_title": "Assigned interpreter absent",
    "staff.live_alert_one": (
        "Reservation {id} (starts {time}, {language}): the assigned "
        "interpreter {name} is absent or not ready. The caller is waiting."
    ),
    "staff.live_alert_open": "Hand over in Live calls",
    "staff.live_title_alert": "⚠ Interpreter absent ({n})",
    "staff.live_conn.connecting": "Live alerts: connecting…",
    "staff.live_conn.open": "Live alerts: connected",
    "staff.live_conn.reconnecting": "Live alerts: connection lost, reconnecting…",
    "staff.live_conn.closed": "Live alerts: not connected. Press 'Reconnect'.",
    "staff.live_reconnect": "Reconnect",
    "staff.live_calls": "Open sessions",
    "staff.live_no_calls": "No open sessions.",
    "staff.live_interpreters": "Interpreter presence",
    "staff.live_no_interpreters": "No interpreter is online.",
    "staff.live_call_heading": "Reservation {id} · starts {time}",
    "staff.live_state_label": "State",
    "staff.live_state.waiting": "Caller waiting",
    "staff.live_state.matched": "Connecting",
    "staff.live_state.connected": "In a call",
    "staff.live_state.reconnecting": "Reconnecting",
    "staff.live_since": "since {time}",
    "staff.live_waiting.interpreter_absent": "interpreter not online",
    "staff.live_waiting.connecting": "interpreter online, not ready yet",
    "staff.live_absent_badge": "Interpreter absent",
    "staff.live_assigned": "Assigned interpreter",
    "staff.live_current": "Current interpreter",
    "staff.live_interpreter_n": "Interpreter #{id}",
    "staff.live_handover_label": "Hand over to (same sign language, ready)",
    "staff.live_handover": "Hand over",
    "staff.live_no_candidates": (
        "No interpreter can take this caller now (one who signs this language, "
        "is ready and is not in a call)."
    ),
    "staff.live_handover_sent": "Handing reservation #{id} over to {name}…",
    "staff.live_handed_over": "Reservation {id}: handed over to {name} and matched.",
    "staff.live_handed_over_auto": (
        "Reservation {id}: handed over to {name} automatically after the grace period."
    ),
    "staff.live_handover_failed": "Could not hand over: {reason} (error code {code})",
    "staff.live_err.handover_unavailable": (
        "that interpreter is not online and ready, is in another call, or does "
        "not sign this language"
    ),
    "staff.live_err.unknown_session": "that session has already ended",
    "staff.live_err.illegal_state": "the caller is already matched or no longer waiting",
    "staff.live_err.other": "the request was not accepted",
    "staff.live_connected_no": "disconnected (place kept)",
    "staff.view": "View",
    "staff.view_day": "Day",
    "staff.view_week": "Week",
    "staff.date": "Date",
    "staff.status_filter": "Status",
    "staff.status_all": "All statuses",
    "staff.prev": "Previous",
    "staff.today": "Today",
    "staff.next": "Next",
    "staff.refresh": "Refresh",
    "staff.range_day": "Reservations on {day} ({zone})",
    "staff.range_week": "Reservations {from} \u2013 {to} ({zone})",
    "staff.loaded_n": "· {n} in all",
    "staff.no_reservations": "No reservations in this period.",
    "staff.unassigned": "No interpreter assigned",
    "staff.group_heading": "{name} ({n})",
    "staff.channel": "Channel",
    "staff.cancel_booking": "Cancel booking",
    "staff.no_show": "Mark no-show",
    "staff.cancel_question": "Cancel reservation {code}?",
    "staff.no_show_question": "Mark reservation {code} as a no-show?",
    "staff.cancelled": "Reservation {code} cancelled.",
    "staff.no_show_done": "Reservation {code} marked as a no-show.",
    "staff.confirm_yes": "Yes",
    "staff.confirm_no": "No",
    "staff.book_heading": "Book on behalf",
    "staff.book_intro": (
        "Book for someone who contacted us by phone, text message or at the counter, then pass on "
        "the code and the manage link."
    ),
    "staff.booked_title": "Booking made on behalf",
    "staff.booked_link": "Manage link to pass on",
    "staff.booked_hint": (
        "Send it only to the person who booked (e.g. by text): it lets them change the booking."
    ),
    "staff.book_another": "New booking on behalf",
    "staff.int_add": "Add an interpreter",
    "staff.int_edit": "Edit",
    "staff.int_edit_named": "Edit {name}",
    "staff.int_edit_title": "Edit {name}",
    "staff.int_name": "Name",
    "staff.int_sign_languages": "Sign languages",
    "staff.int_spoken": "Spoken languages",
    "staff.int_spoken_hint": "Separated by commas, e.g. ko, en",
    "staff.int_specialties": "Specialties",
    "staff.int_active": "Active (can take bookings)",
    "staff.int_active_yes": "Active",
    "staff.int_active_no": "Inactive",
    "staff.int_save_new": "Add interpreter",
    "staff.int_save": "Save changes",
    "staff.int_cancel_edit": "Cancel editing",
    "staff.int_saved": "Saved interpreter {name}.",
    "staff.sh_interpreter": "Interpreter",
    "staff.sh_weekly": "Weekly shifts",
    "staff.sh_exceptions": "Dated exceptions (leave, extra hours)",
    "staff.sh_add_shift": "Add a weekly shift",
    "staff.sh_add_shift_submit": "Add shift",
    "staff.sh_weekday": "Day of the week",
    "staff.sh_start": "Start time",
    "staff.sh_end": "End time",
    "staff.sh_add_exc": "Add an exception",
    "staff.sh_add_exc_submit": "Add exception",
    "staff.sh_kind": "Kind",
    "staff.sh_from": "From",
    "staff.sh_until": "Until",
    "staff.sh_note": "Note (optional)",
    "staff.sh_shift_text": "{day} {start}\u2013{end}",
    "staff.sh_exc_text": "{kind}: {from} \u2013 {to}",
    "staff.sh_no_shifts": "No weekly shifts yet.",
    "staff.sh_no_exceptions": "No exceptions yet.",
    "staff.sh_no_interpreter": "Add an interpreter first.",
    "staff.sh_added": "Added.",
    "staff.sh_deleted": "Deleted.",
    "staff.delete": "Delete",
    "staff.delete_named": "Delete {what}",
    "staff.delete_question": "Delete {what}?",
    # ---------------------------------------------------------------- interpreter home
    "interp.title": "Interpreter home",
    "interp.heading": "Today's reservations",
    "interp.date": "{day} ({zone})",
    "interp.list_heading": "Reservations",
    "interp.loaded": "Today's reservations loaded.",
    "interp.empty": "No reservations today.",
    # ---------------------------------------------------------------- my booking: join the call
    "manage.join_call": "Join the video call",
    "manage.join_hint": "You can join the video call from {n} minutes before the start.",
    # ---------------------------------------------------------------- call page (caller)
    "call.title": "Video call",
    "call.heading": "Sign-language video call",
    "call.slot": "Booked time: {when} ({zone})",
    "call.invalid_title": "This call link is not valid",
    "call.invalid_text": (
        "The booking code or access key does not match. Open the whole link you received again, "
        "or press 'Join the video call' on your booking page. If it still does not work, contact "
        "us by phone (120) or text."
    ),
    "call.to_my_booking": "Go to my booking",
    "call.closed_title": "This booking cannot be used for a video call",
    "call.enter": "Enter the waiting room",
    "call.rejoin": "Join again",
    "call.reconnect": "Reconnect",
    # ---------------------------------------------------------------- camera check
    "camera.heading": "1. Check your camera",
    "camera.intro": (
        "Before the session, turn on your camera and check how you look. Sit so that your upper "
        "body and both hands are inside the dashed frame. No sound is used."
    ),
    "camera.start": "Turn on camera",
    "camera.starting": (
        "Turning on the camera… If the browser asks to use the camera, choose 'Allow'."
    ),
    "camera.ready": (
        "Your camera is on. Check that your upper body and both hands are inside the dashed frame."
    ),
    "camera.choose": "Camera",
    "camera.default_name": "Camera {n}",
    "camera.guide": "Upper body and both hands inside",
    "camera.preview_label": "Your camera preview",
    "camera.settings": "Your camera: {width}\u00d7{height}, {fps} frames per second",
    "camera.degraded": (
        "This camera does not reach the quality recommended for signing (640\u00d7480 at 25 frames "
        "per second or more). The call will work, but hand shapes may look blurred."
    ),
    "camera.retry": "Try again",
    "camera.err_denied_title": "Camera access was blocked",
    "camera.err_denied_text": (
        "Select the padlock (or camera) icon next to the address bar, set the camera to 'Allow', "
        "then press 'Try again'. On a phone, turn on the camera permission for this browser app "
        "in Settings."
    ),
    "camera.err_notfound_title": "No camera found",
    "camera.err_notfound_text": (
        "Check that a camera is connected, then press 'Try again'. If this computer has no "
        "camera, open this link on your phone."
    ),
    "camera.err_busy_title": "Another program is using the camera",
    "camera.err_busy_text": (
        "Close other video-call apps or browser tabs that use the camera, then press 'Try again'."
    ),
    "camera.err_other_title": "The camera could not start",
    "camera.err_other_text": (
        "Update your browser, or open this link in Chrome, Safari or Edge. If it still does not "
        "work, contact us by phone (120) or text."
    ),
    # ---------------------------------------------------------------- waiting room
    "wait.heading": "2. Waiting room",
    "wait.joining": "Entering the waiting room…",
    "wait.absent": "Your interpreter is not here yet. Keep this page open and please wait.",
    "wait.connecting": "Connecting you to your interpreter. Please wait a moment.",
    "wait.arrived": "Your interpreter is here. Connecting the video.",
    "wait.too_early": (
        "The waiting room opens at {time}. Keep this page open and you will enter automatically."
    ),
    "wait.too_late": "The booked time is over, so the call cannot start. Please book again.",
    "wait.not_active": "This booking was cancelled or has already ended.",
    "wait.other_tab": (
        "This call is already open in another tab or device. Close it there, then press "
        "'Reconnect'."
    ),
    "wait.replaced": "You opened this call in another tab or device. You can close this page.",
    "wait.leave": "Leave the waiting room",
    "wait.left": "You left the waiting room.",
    # ---------------------------------------------------------------- window title
    "title.waiting": "⏳ Waiting",
    "title.arrived": "🔔 Interpreter is here",
    "title.connecting": "… Connecting",
    "title.in_call": "● In call",
    "title.reconnecting": "⚠ Reconnecting",
    "title.ended": "■ Call ended",
    "title.matched": "🔔 Call starting",
    # ---------------------------------------------------------------- signaling connection
    "sig.connecting": "Connecting to the server…",
    "sig.connected": "Connected to the server.",
    "sig.reconnecting": "Lost the connection to the server. Reconnecting…",
    "sig.failed": (
        "Cannot reach the server. Check your internet connection and press 'Reconnect'."
    ),
    "sig.error": "The request was not accepted. ({code})",
    # ---------------------------------------------------------------- call view (both pages)
    "video.heading": "3. Video call",
    "video.heading_plain": "Video call",
    "video.with": "Video call with {name}",
    "video.remote_label": "Video of {name}",
    "video.self_label": "Your video",
    "video.hangup": "End call",
    "video.hangup_question": "End the call?",
    "video.hangup_yes": "Yes, end it",
    "video.hangup_no": "No, continue",
    "video.status_label": "Connection",
    "video.state.connecting": "Connecting",
    "video.state.connected": "Connected",
    "video.state.reconnecting": "Reconnecting",
    "video.state.poor": "Poor connection",
    "video.state.ended": "Call ended",
    "video.detail.connecting": "Connecting the video…",
    "video.detail.reconnecting": "The connection dropped. Reconnecting…",
    "video.detail.peer_away": (
        "The other person's connection dropped. Waiting up to {s} seconds for them to come back."
    ),
    "video.detail.poor": (
        "The video is choppy or slow. Move closer to your Wi-Fi or close other apps."
    ),
    "video.fps": "Incoming video: {fps} frames per second",
    "video.fps_none": "Incoming video: measuring",
    "video.ended_heading": "The session has ended",
    "video.end.hangup_self": "You ended the call.",
    "video.end.hangup_peer": "The other person ended the call.",
    "video.end.hangup_staff": "A staff member ended the call.",
    "video.end.media_failed": "The video could not connect, so the call ended.",
    "video.end.dropped": "The connection dropped and did not come back in time, so the call ended.",
    "video.end.expired": "The booked time is over, so the session ended.",
    "video.end.shutdown": (
        "The call ended because of server maintenance. Please join again in a moment."
    ),
    # ---------------------------------------------------------------- interpreter console
    "console.heading": "Video call console",
    "console.presence": "My status: {state}",
    "console.presence.offline": "Not connected",
    "console.presence.away": "Away",
    "console.presence.ready": "Ready",
    "console.presence.offered": "Being offered a call",
    "console.presence.in_session": "In a call",
    "console.presence.wrap_up": "Wrapping up",
    "console.go_ready": "Set me ready",
    "console.go_away": "Set me away",
    "console.ready_hint": (
        "While you are ready, the video connects as soon as your caller enters the waiting room. "
        "Turn on your camera first and check the picture."
    ),
    "console.camera_heading": "Camera",
    "console.other_tab": (
        "The interpreter console is open in another tab or device. Close it there, then press "
        "'Reconnect'."
    ),
    "console.matched": "Connecting the video with {name}.",
    "console.call_with": "In a call with {name}",
    "console.state_label": "Call",
    "console.state.not_arrived": "Not arrived yet",
    "console.state.not_started": "Not started",
    "console.state.in_call": "In a call",
    "console.state.done": "Call finished",
    "console.state.closed": "No call",
    "console.state.caller_waiting": "Caller waiting",
    "console.caller_waiting": "{name} is in the waiting room. Set yourself ready to connect.",
    "title.caller_waiting": "🔔 Caller waiting",
    "console.caller_left.handed_over": "{name} was connected to another interpreter.",
    "console.caller_left.hung_up": "{name} left the waiting room.",
    "console.caller_left.disconnected": (
        "{name} lost their connection. You will be told if they return."
    ),
    "console.caller_left.expired": "The booked time of {name} has ended.",
    "console.caller_left.shutdown": "The server restarted, so {name} is no longer waiting.",
}

STRINGS: Final[Mapping[str, Mapping[str, str]]] = {"ko": KO, "en": EN}


def other_language(lang: str) -> str:
    return "en" if lang == "ko" else "ko"


def lookup(lang: str, key: str) -> str:
    """The string for `key` in `lang`, else English, else the key itself."""
    table = STRINGS.get(lang, EN)
    if key in table:
        return table[key]
    return EN.get(key, key)


def translate(lang: str, key: str, /, **params: object) -> str:
    """`lookup` with `{name}` placeholders filled; unknown placeholders are left as they are."""
    text = lookup(lang, key)
    if not params:
        return text
    return text.format_map(_Params(params))


class _Params(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_JS_STRINGS: Final[Mapping[str, Mapping[str, str]]] = {
    lang: {**EN, **table} for lang, table in STRINGS.items()
}


def js_strings(lang: str) -> Mapping[str, str]:
    """Every string for `lang` (English filling any gap), for the page's JavaScript."""
    return _JS_STRINGS.get(lang, EN)
