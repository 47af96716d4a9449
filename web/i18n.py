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
    # ---------------------------------------------------------------- admin and audit (issue 6)
    "nav.admin": "계정 관리",
    "nav.audit": "감사 기록",
    "role.interpreter": "통역사",
    "role.staff": "상담 직원",
    "role.supervisor": "관리 책임자",
    "role.admin": "시스템 관리자",
    "admin.accounts.title": "계정 관리",
    "admin.accounts.heading": "계정 관리",
    "admin.accounts.intro": (
        "계정을 만들고 역할을 바꾸거나 사용을 중지합니다. 모든 변경은 감사 기록에 남습니다."
    ),
    "admin.accounts.list": "계정 목록",
    "admin.username": "아이디",
    "admin.username_hint": "영문 소문자, 숫자, '.', '-', '_'로 64자까지 씁니다.",
    "admin.display_name": "표시 이름",
    "admin.role": "역할",
    "admin.role_of": "{name}의 역할",
    "admin.state": "상태",
    "admin.actions": "작업",
    "admin.active": "사용 중",
    "admin.inactive": "사용 중지됨",
    "admin.change_role": "역할 바꾸기",
    "admin.deactivate": "사용 중지",
    "admin.activate": "다시 사용",
    "admin.set_password": "비밀번호 새로 정하기",
    "admin.new_password": "새 비밀번호",
    "admin.initial_password": "처음 비밀번호",
    "admin.password_again": "비밀번호 한 번 더",
    "admin.password_hint": "{n}자 이상으로 정하고, 본인에게만 따로 알려 주세요.",
    "admin.save_password": "비밀번호 저장",
    "admin.create": "새 계정 만들기",
    "admin.create_submit": "계정 만들기",
    "admin.done.created": "계정을 만들었습니다.",
    "admin.done.role": "역할을 바꿨습니다.",
    "admin.done.activated": "계정을 다시 사용하게 했습니다.",
    "admin.done.deactivated": "계정 사용을 중지했습니다. 로그인 중이던 세션도 끝났습니다.",
    "admin.done.password": "비밀번호를 바꿨습니다. 로그인 중이던 세션은 끝났습니다.",
    "admin.error.own_role": "자신의 역할은 바꿀 수 없습니다. 다른 관리자에게 요청하세요.",
    "admin.error.own_account": "자신의 계정은 사용 중지할 수 없습니다.",
    "admin.error.last_admin": (
        "마지막 시스템 관리자입니다. 다른 관리자를 먼저 만든 뒤에 바꾸세요."
    ),
    "admin.error.not_found": "그런 계정이 없습니다.",
    "admin.error.bad_role": "역할을 목록에서 고르세요.",
    "admin.error.username": "아이디는 영문 소문자, 숫자, '.', '-', '_'로 64자까지 씁니다.",
    "admin.error.username_taken": "이미 쓰고 있는 아이디입니다. 다른 아이디를 정하세요.",
    "admin.error.display_name": "표시 이름을 80자 이내로 적어 주세요.",
    "admin.error.password_short": "비밀번호가 너무 짧습니다. 10자 이상으로 정하세요.",
    "admin.error.password_mismatch": "두 비밀번호가 다릅니다. 같은 비밀번호를 두 번 적어 주세요.",
    "admin.settings.title": "설정 보기",
    "admin.settings.heading": "현재 설정",
    "admin.settings.intro": (
        "서버가 지금 쓰는 설정입니다. 환경 변수로 바꾸며, 비밀 값은 보여 주지 않습니다."
    ),
    "admin.settings.caption": "설정 이름과 값",
    "admin.settings.name": "환경 변수",
    "admin.settings.value": "값",
    "admin.runtime.heading": "운영 중 바꿀 수 있는 설정",
    "admin.runtime.intro": (
        "보관 기간과 자동 삭제 주기는 여기서 바꾸며, 바로 적용되고 감사 기록에 남습니다."
    ),
    "admin.runtime.saved": "설정을 저장했습니다.",
    "admin.runtime.invalid": "허용 범위를 벗어난 값이 있습니다: {names}",
    "admin.runtime.save": "설정 저장",
    "admin.runtime.retention_records_days": "상담 기록 보관 기간 (일)",
    "admin.runtime.retention_chat_days": "문자 대화 보관 기간 (일)",
    "admin.runtime.recording_retention_days": "녹화 파일 보관 기간 (일)",
    "admin.runtime.retention_contacts_days": "연락처 보관 기간 (예약 종료 후, 일)",
    "admin.runtime.purge_interval_hours": "자동 삭제 주기 (시간)",
    "audit.title": "감사 기록",
    "audit.heading": "감사 기록",
    "audit.intro": (
        "누가 언제 어디에서 무엇을 했는지 보여 줍니다. 기록은 고치거나 지울 수 없고,"
        " 이 화면을 본 것도 기록됩니다."
    ),
    "audit.from": "시작 날짜",
    "audit.to": "끝 날짜",
    "audit.actor": "한 사람",
    "audit.actor_hint": "예: account:12, anonymous, system",
    "audit.action": "작업",
    "audit.action_hint": "앞부분만 적어도 됩니다. 예: login, account.",
    "audit.search": "찾기",
    "audit.export": "CSV로 내보내기",
    "audit.results": "기록 (최신순)",
    "audit.empty": "조건에 맞는 기록이 없습니다.",
    "audit.col.at": "시각",
    "audit.col.target": "대상",
    "audit.col.detail": "내용",
    "audit.col.from": "접속 주소",
    "audit.pages": "기록 페이지",
    "audit.newest": "최신 기록으로",
    "audit.older": "이전 기록 보기",
    # ---------------------------------------------------------------- counseling records (issue 6)
    "nav.records": "상담 기록",
    "field.category": "상담 분야를 고르세요.",
    "field.summary": "상담 요약은 4,000자까지, 제어 문자 없이 적어 주세요.",
    "field.outcome": "처리 결과를 고르세요.",
    "field.agency": "연계한 기관 이름을 120자 이내 한 줄로 적어 주세요.",
    "field.follow_up_date": (
        "후속 조치 날짜는 오늘 이후로, '후속 조치 필요' 또는 '기관 연계'일 때만 적어 주세요."
    ),
    "record.heading": "상담 기록",
    "record.for_session": "{time}에 시작한 {mode} 기록",
    "record.intro": "상담 중이나 상담 뒤에 적으세요. 입력하는 대로 자동 저장됩니다.",
    "record.category": "상담 분야",
    "record.category_choose": "분야를 고르세요",
    "record.summary": "상담 요약",
    "record.summary_hint": "무엇을 묻고 어떻게 안내했는지 적어 주세요. 연락처는 적지 마세요.",
    "record.chars_left": "{n}자 남음",
    "record.outcome": "처리 결과",
    "record.outcome.answered": "답변 완료",
    "record.outcome.referred": "기관 연계",
    "record.outcome.follow_up": "후속 조치 필요",
    "record.outcome.could_not_help": "도움 드리지 못함",
    "record.agency": "연계 기관",
    "record.agency_hint": "'기관 연계'를 골랐다면 꼭 적어 주세요.",
    "record.follow_up_date": "후속 조치 날짜 (선택)",
    "record.follow_up_hint": "'후속 조치 필요' 또는 '기관 연계'일 때만 적습니다.",
    "record.follow_up_on": "후속 조치 {date}",
    "record.finish": "기록 완료하기",
    "record.finished": "상담 기록을 완료했습니다.",
    "record.status.idle": "아직 입력한 내용이 없습니다.",
    "record.status.saving": "저장하는 중…",
    "record.status.saved": "{time}에 저장됨",
    "record.status.retrying": "저장되지 않음 — 다시 시도하는 중",
    "record.status.local": "이 기기에 보관 중 — 상담이 끝나면 저장됩니다",
    "record.status.invalid": "저장되지 않음 — 표시된 항목을 고쳐 주세요",
    "record.restore_text": "이 기기에 {time}에 저장되지 않은 기록 초안이 있습니다. 불러올까요?",
    "record.restore_yes": "초안 불러오기",
    "record.restore_no": "초안 버리기",
    "record.complete": "완료",
    "record.draft": "작성 중",
    "record.missing": "없음",
    "record.missing_list": "아직 필요한 항목: {list}",
    "record.problem.required": "필수 항목입니다.",
    "record.problem.too_long": "너무 깁니다.",
    "record.problem.unknown": "알 수 없는 값입니다.",
    "record.problem.in_the_past": "오늘 이후 날짜여야 합니다.",
    "record.problem.not_for_outcome": "'후속 조치 필요' 또는 '기관 연계'일 때만 적습니다.",
    "record.problem.control_chars": "제어 문자를 쓸 수 없습니다.",
    "record.recent_heading": "최근 상담과 기록",
    "record.recent_empty": "최근 상담이 없습니다.",
    "record.recent_write": "{time} 상담 기록 쓰기",
    "record.recent_edit": "{time} 상담 기록 고치기",
    "record.close": "기록 닫기",
    "record.mode.video": "영상 상담",
    "record.mode.chat": "채팅 상담",
    "record.kind.reserved": "예약 상담",
    "record.kind.walk_in": "바로 상담",
    "record.channel.web": "웹 예약",
    "record.channel.phone": "전화 예약",
    "record.channel.sms": "문자 예약",
    "record.channel.counter": "창구 예약",
    "record.channel.live": "바로 상담 (대기열)",
    "records.title": "상담 기록 검색",
    "records.heading": "상담 기록",
    "records.intro": (
        "기간, 통역사, 분야, 처리 결과, 수어, 접수 경로로 기록을 찾고 내보냅니다. 기록을 "
        "열람하거나 내보내면 감사 기록에 남습니다."
    ),
    "records.from": "시작일",
    "records.to": "종료일",
    "records.interpreter": "통역사",
    "records.language": "수어",
    "records.channel": "접수 경로",
    "records.mode": "상담 방식",
    "records.any": "전체",
    "records.search": "검색",
    "records.results": "기록 {total}건 · {page}/{pages}쪽",
    "records.none": "조건에 맞는 기록이 없습니다.",
    "records.table_caption": "검색 결과",
    "records.col.started": "상담 시작",
    "records.col.state": "기록 상태",
    "records.open": "{time} 기록 보기",
    "records.pages": "쪽 이동",
    "records.export_heading": "내보내기",
    "records.export_hint": (
        "지금 검색 조건에 맞는 모든 기록을 내보냅니다. 시민의 연락처는 들어가지 않습니다."
    ),
    "records.export_csv": "CSV 파일",
    "records.export_json": "JSON 파일 (한 줄에 기록 하나, NDJSON)",
    "records.export_open311": "Open311 (GeoReport v2) JSON",
    "records.loaded": "기록 {total}건을 찾았습니다.",
    "record.view_title": "상담 기록 보기",
    "record.back": "검색 결과로 돌아가기",
    "record.session_heading": "상담 정보",
    "record.f.session": "세션",
    "record.f.kind": "종류",
    "record.f.booking": "예약 코드",
    "record.f.topic": "예약 주제",
    "record.f.interpreter": "통역사",
    "record.f.started": "상담 시작",
    "record.f.ended": "상담 종료",
    "record.f.wait": "대기 시간",
    "record.f.duration": "상담 시간",
    "record.f.end_reason": "종료 사유",
    "record.f.updated": "마지막 저장",
    "record.record_heading": "기록 내용",
    "record.none": "아직 저장된 기록이 없습니다.",
    "record.quality_heading": "영상 품질",
    "record.quality_none": "품질 요약이 없습니다.",
    "record.transcript_heading": "채팅 내용",
    "record.transcript_none": "이용자가 동의하지 않았거나 저장된 채팅이 없습니다.",
    "record.transcript_truncated": "채팅이 길어 일부만 저장되었습니다.",
    "record.sender.caller": "이용자",
    "record.sender.interpreter": "통역사",
    "record.survey_heading": "만족도 조사",
    "record.survey_none": "응답이 없습니다.",
    "record.survey_stars": "별 {n}개",
    "record.survey_resolved": "해결됨",
    "record.survey_unresolved": "해결되지 않음",
    "record.survey_comment": "의견",
    "record.recordings_heading": "녹화 파일",
    "record.recordings_none": "녹화 파일이 없습니다.",
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
    # --- console and wallboard (issue 4) ---
    "console.presence_reason": "내 상태: {state} ({reason})",
    "console.ready_hint_queue": (
        "상담 가능 상태이면 예약한 시민은 대기실에 들어오는 즉시 연결되고, 바로 상담 대기열의 "
        "시민은 이 화면에 번쩍이는 알림과 창 제목으로 알려 드립니다. 소리는 쓰지 않습니다. "
        "먼저 카메라를 켜고 화면을 확인하세요."
    ),
    "console.away_reason_label": "자리 비움 사유",
    "console.away_reason_hint": "자리 비움으로 바꿀 때 이 사유가 직원 현황판에 표시됩니다.",
    "console.away_reason.break": "휴식",
    "console.away_reason.meal": "식사",
    "console.away_reason.meeting": "회의",
    "console.away_reason.training": "교육",
    "console.away_reason.paperwork": "서류 작업",
    "console.away_reason.technical": "기술 문제",
    "console.away_reason.missed_offers": "응답하지 못한 연결 요청",
    "console.missed_offers": (
        "연결 요청 {n}건에 응답하지 않아 자리 비움으로 바뀌었습니다. 돌아오면 상담 가능으로 "
        "바꾸세요."
    ),
    "console.missed_offers_generic": (
        "연결 요청에 응답하지 않아 자리 비움으로 바뀌었습니다. 돌아오면 상담 가능으로 바꾸세요."
    ),
    "console.matched_chat": "{name} 님과 채팅 상담을 시작했습니다.",
    "console.chat_with": "{name} 님과 채팅 상담",
    "console.walk_in": "바로 상담",
    "ring.heading": "상담 요청이 왔습니다",
    "ring.what": "{language} · {mode}",
    "ring.kind_label": "구분",
    "ring.kind.walk_in": "바로 상담 (예약 없음)",
    "ring.kind.reserved": "예약 상담",
    "ring.mode_label": "상담 방식",
    "ring.mode.video": "영상 상담",
    "ring.mode.chat": "채팅 상담 (영상 없음)",
    "ring.waited": "기다린 시간",
    "ring.countdown": "{s}초 안에 받아 주세요",
    "ring.countdown_over": "응답 시간이 지났습니다. 다음 통역사에게 넘기는 중…",
    "ring.accept": "받기",
    "ring.decline": "거절하기",
    "ring.accepting": "받는 중입니다… 시민과 연결합니다.",
    "ring.gone": "이 상담 요청은 이미 끝났습니다.",
    "ring.cancelled.timeout": "응답 시간이 지나 상담 요청이 다음 통역사에게 넘어갔습니다.",
    "ring.cancelled.caller_left": "시민이 연결되기 전에 대기열을 떠났습니다.",
    "ring.cancelled.declined": "상담 요청을 거절했습니다. 다음 통역사에게 넘어갑니다.",
    "title.ring": "🔔 {language} 상담 요청",
    "title.ring_alt": "📞 응답해 주세요",
    "title.wrap_up": "✎ 상담 정리 중",
    "wrap.heading": "상담 정리 시간",
    "wrap.text": (
        "방금 끝난 상담의 기록을 마무리하는 시간입니다. 준비될 때까지 새 상담이 연결되지 않습니다."
    ),
    "wrap.countdown": "{s}초 뒤 자동으로 상담 가능 상태가 됩니다.",
    "wrap.countdown_over": "정리 시간이 끝났습니다. 곧 상담 가능 상태가 됩니다.",
    "wrap.ready": "다음 상담 받기",
    "wrap.away": "자리 비움으로 바꾸기",
    "dur.s": "{s}초",
    "dur.ms": "{m}분 {s}초",
    "dur.hm": "{h}시간 {m}분",
    "staff.wallboard_link": "실시간 현황판 열기",
    "wb.title": "실시간 현황판",
    "wb.heading": "상담 센터 실시간 현황",
    "wb.intro": (
        "시민과 통역사의 상태가 바뀌면 이 화면이 저절로 바뀝니다. 새로 고칠 필요가 없습니다."
    ),
    "wb.back": "상담 예약 관리로 돌아가기",
    "wb.conn.connecting": "실시간 연결: 연결하는 중…",
    "wb.conn.open": "실시간 연결: 연결됨",
    "wb.conn.reconnecting": (
        "실시간 연결: 연결이 끊겨 다시 연결하는 중… 아래 정보는 최신이 아닐 수 있습니다."
    ),
    "wb.conn.closed": (
        "실시간 연결: 연결되지 않음. '다시 연결'을 누르세요. 아래 정보는 최신이 아닙니다."
    ),
    "wb.updated": "마지막 갱신: {time}",
    "wb.updated_never": "첫 정보를 기다리는 중입니다…",
    "wb.waiting_heading": "대기 중인 시민",
    "wb.waiting_caption": "수어별 대기 시민 수와 가장 오래 기다린 시간",
    "wb.waiting_total": "모두 {n}명 대기 중",
    "wb.waiting_none": "지금 기다리는 시민이 없습니다.",
    "wb.col.language": "수어",
    "wb.col.waiting": "대기 인원",
    "wb.col.longest": "가장 긴 대기",
    "wb.interpreters_heading": "통역사 상태",
    "wb.states_label": "상태별 통역사 수",
    "wb.state_count": "{state}: {n}명",
    "wb.interpreters_caption": "통역사별 상태, 사유와 그 상태가 된 시각",
    "wb.interpreters_none": "접속한 통역사가 없습니다.",
    "wb.col.name": "이름",
    "wb.col.languages": "가능한 수어",
    "wb.col.state": "상태",
    "wb.col.reason": "사유",
    "wb.col.since": "시작 시각 (지난 시간)",
    "wb.since": "{time} ({duration})",
    "wb.reason_none": "없음",
    "wb.speed_heading": "오늘의 응답 속도",
    "wb.answered": "{day} 응답한 상담: {n}건",
    "wb.speed_caption": "정해진 시간 안에 응답한 상담의 수와 비율",
    "wb.col.within": "응답까지 걸린 시간",
    "wb.col.calls": "상담 수",
    "wb.col.share": "비율",
    "wb.within.30": "30초 이내",
    "wb.within.60": "60초 이내",
    "wb.within.120": "120초 이내",
    "wb.percent": "{p}%",
    "wb.share_none": "아직 없음",
    "wb.abandoned_heading": "오늘 응답 전에 떠난 시민",
    "wb.abandoned": "응답 전에 떠난 시민: {n}명",
    "wb.abandoned_wait": "떠나기 전 평균 대기: {duration}",
    "wb.abandoned_wait_none": "떠나기 전 평균 대기: 해당 없음",
    # --- statistics (issue 6) ---
    "staff.statistics_link": "통계 보기",
    "stats.title": "상담 통계",
    "stats.heading": "상담 통계",
    "stats.intro": (
        "고른 기간의 상담 수, 응답 속도, 대기 시간, 응답 전 이탈, 예약 불참, 통역사 근무 상태, "
        "만족도와 영상 품질을 보여 줍니다. 그래프마다 요약 글과 표가 있고, CSV로 받을 수 있습니다."
    ),
    "stats.from": "시작 날짜",
    "stats.to": "끝 날짜",
    "stats.show": "통계 보기",
    "stats.range_hint": "날짜는 YYYY-MM-DD 형식이며 {zone} 기준 하루 단위입니다. 최대 {max}일.",
    "stats.quick": "빠른 기간 선택",
    "stats.last_days": "최근 {n}일",
    "stats.showing": "{first} ~ {last} ({days}일, {zone})",
    "stats.figures_heading": "주요 수치",
    "stats.table_toggle": "표로 보기: {chart}",
    "stats.csv": "CSV 내려받기: {chart}",
    "stats.none": "해당 없음",
    "stats.err.title": "기간을 확인해 주세요",
    "stats.err.bad_from": (
        "시작 날짜가 올바르지 않습니다. YYYY-MM-DD 형식(예: 2026-11-01)으로 적어 주세요."
    ),
    "stats.err.bad_to": (
        "끝 날짜가 올바르지 않습니다. YYYY-MM-DD 형식(예: 2026-11-30)으로 적어 주세요."
    ),
    "stats.err.reversed": "끝 날짜가 시작 날짜보다 앞입니다. 두 날짜를 바꿔 주세요.",
    "stats.err.too_long": "기간이 너무 깁니다. 한 번에 {max}일까지 볼 수 있습니다.",
    "stats.fig.cases": "상담 수",
    "stats.fig.within": "{s}초 이내 응답",
    "stats.fig.wait_mean": "평균 대기",
    "stats.fig.wait_max": "가장 긴 대기",
    "stats.fig.abandoned": "응답 전 이탈률",
    "stats.fig.no_shows": "예약 불참 / 예약",
    "stats.fig.satisfaction": "평균 만족도",
    "stats.fig.hints": "화질 안내가 나온 상담",
    "stats.stars_of_5": "5점 중 {n}점",
    "stats.stars": "{n}점",
    "stats.within": "{s}초 이내",
    "stats.mode.video": "영상 상담",
    "stats.mode.chat": "채팅 상담",
    "stats.axis.cases": "상담 수",
    "stats.axis.seconds": "대기 시간 (초)",
    "stats.axis.percent": "비율 (%)",
    "stats.axis.reservations": "예약 불참 수",
    "stats.col.day": "날짜",
    "stats.col.total": "합계",
    "stats.col.language": "수어",
    "stats.col.share": "비율",
    "stats.col.share_analysed": "분석한 상담 중 비율",
    "stats.col.within": "응답까지 걸린 시간",
    "stats.col.answered": "응답한 상담",
    "stats.col.cases": "상담 수",
    "stats.col.abandoned": "응답 전 이탈",
    "stats.col.reservations": "예약 (취소 제외)",
    "stats.col.no_shows": "예약 불참",
    "stats.col.rate": "비율",
    "stats.col.state": "상태",
    "stats.col.time": "시간",
    "stats.col.stars": "만족도",
    "stats.col.answers": "응답 수",
    "stats.col.hint": "화질 안내",
    "stats.col.sessions": "상담 수",
    "stats.col.raised": "나온 횟수",
    "stats.cases.title": "날짜별 상담 수 (영상·채팅)",
    "stats.cases.summary": (
        "이 기간 상담은 모두 {n}건입니다. 영상 {video}건, 채팅 {chat}건이며, "
        "가장 많은 날은 {day} ({most}건)입니다."
    ),
    "stats.cases.empty": "이 기간에는 상담이 없습니다.",
    "stats.cases.caption": "날짜별 상담 수: 방식별, 수어별, 합계",
    "stats.languages.title": "수어별 상담 수",
    "stats.languages.summary": (
        "{languages}개 수어 가운데 {language} 상담이 {n}건({share})으로 가장 많습니다."
    ),
    "stats.languages.caption": "수어별 영상·채팅 상담 수와 전체 중 비율",
    "stats.speed.title": "응답 속도",
    "stats.speed.summary": "응답한 상담 {n}건 가운데 {list}에 응답했습니다.",
    "stats.speed.empty": "이 기간에는 응답한 상담이 없습니다.",
    "stats.speed.caption": "정해진 시간 안에 응답한 상담의 수와 응답한 상담 중 비율",
    "stats.waits.title": "날짜별 평균 대기와 가장 긴 대기",
    "stats.waits.summary": (
        "응답까지 평균 {mean} 기다렸고, 가장 길게 기다린 것은 {day}의 {max}입니다."
    ),
    "stats.waits.mean": "평균 대기",
    "stats.waits.max": "가장 긴 대기",
    "stats.waits.caption": "날짜별 응답한 상담 수, 평균 대기, 가장 긴 대기",
    "stats.abandoned.title": "날짜별 응답 전 이탈률",
    "stats.abandoned.summary": (
        "상담 {cases}건 가운데 {n}건({rate})은 통역사가 받기 전에 떠났습니다. "
        "떠나기 전 평균 {wait} 기다렸습니다."
    ),
    "stats.abandoned.rate": "이탈률",
    "stats.abandoned.caption": "날짜별 상담 수, 응답 전 이탈 수와 비율",
    "stats.no_shows.title": "날짜별 예약 불참",
    "stats.no_shows.summary": (
        "예약 {reservations}건 가운데 {n}건({rate})이 불참으로 처리되었습니다."
    ),
    "stats.no_shows.empty": "이 기간에는 예약이 없습니다.",
    "stats.no_shows.caption": "날짜별 예약 수(취소 제외), 불참 수와 비율",
    "stats.utilisation.title": "통역사 근무 상태 비율",
    "stats.utilisation.summary": "통역사 접속 시간은 모두 {hours}입니다: {list}.",
    "stats.utilisation.empty": "이 기간에는 통역사 접속 기록이 없습니다.",
    "stats.utilisation.caption": "통역사 접속 시간의 상태별 합계와 비율 (모든 통역사)",
    "stats.satisfaction.title": "만족도",
    "stats.satisfaction.summary": (
        "설문 응답 {n}건, 평균 5점 중 {mean}점입니다. 문제가 해결되었다는 응답은 {resolved}입니다."
    ),
    "stats.satisfaction.empty": "이 기간에는 설문 응답이 없습니다.",
    "stats.satisfaction.caption": "만족도 점수별 응답 수와 비율",
    "stats.quality.title": "영상 품질 안내",
    "stats.quality.summary": (
        "품질을 분석한 상담 {analysed}건 가운데 {n}건({share})에 화질 안내가 나왔습니다. "
        "자주 나온 안내: {list}."
    ),
    "stats.quality.empty": "이 기간에는 품질을 분석한 상담이 없습니다.",
    "stats.quality.caption": "화질 안내별 나온 상담 수, 분석한 상담 중 비율, 나온 횟수",
    "stats.hint.hands_cropped": "손이 화면 밖",
    "stats.hint.low_light": "어두움",
    "stats.hint.too_far": "너무 멂",
    "stats.hint.too_close": "너무 가까움",
    "stats.hint.blurry": "흐림",
    "stats.hint.low_frame_rate": "끊김 (낮은 프레임)",
    "stats.hint.low_resolution": "낮은 화질",
    # --- caller side (issue 4) ---
    # entry points on the start page
    "entry.label": "상담 방법 고르기",
    "entry.live_title": "지금 바로 상담하기 (실시간 수어·문자 상담)",
    "entry.live_text": "예약 없이 대기 순서를 받아 수어 통역사와 영상 또는 문자로 바로 상담합니다.",
    "entry.book_title": "시간을 정해 예약하기",
    "entry.book_text": "원하는 날짜와 시간에 수어 영상 상담을 예약합니다. 아래 양식을 쓰세요.",
    # the signaling link, in words (waiting room, queue)
    "link.label": "서버 연결",
    "link.connecting": "서버에 연결하는 중…",
    "link.connected": "연결됨",
    "link.reconnecting": "연결이 끊겨 다시 연결하는 중…",
    "link.closed": "연결되지 않음",
    "link.back": "다시 연결되었습니다.",
    "video.detail.server_lost": (
        "내 인터넷 연결이 끊겼습니다. 다시 연결하는 중입니다. 상담 자리는 잠시 유지됩니다."
    ),
    "wait.resuming": "상담에 다시 연결하는 중입니다…",
    "call.dropped_rejoin": (
        "연결이 너무 오래 끊겨 이전 통화가 끝났습니다. 대기실에 다시 들어왔습니다."
    ),
    "title.new_message": "✉ 새 메시지",
    "title.ringing": "🔔 통역사 연결 중",
    # the chat panel (chat.js, _chat.html)
    "chat.heading": "문자 대화",
    "chat.empty": "아직 메시지가 없습니다. 아래 칸에 쓰면 상대방에게 바로 보입니다.",
    "chat.label": "메시지",
    "chat.hint": (
        "Enter를 누르면 보내고, Shift+Enter를 누르면 줄을 바꿉니다. 링크는 글자로만 보입니다."
    ),
    "chat.send": "보내기",
    "chat.count": "{n} / {max}자",
    "chat.you": "나",
    "chat.sender.caller": "시민",
    "chat.sender.interpreter": "통역사",
    "chat.typing.caller": "시민이 입력하고 있습니다…",
    "chat.typing.interpreter": "통역사가 입력하고 있습니다…",
    "chat.typing_named": "{name} 님이 입력하고 있습니다…",
    "chat.sending": "보내는 중…",
    "chat.kept": "이 대화 내용은 동의하신 대로 상담 기록과 함께 보관됩니다.",
    "chat.not_kept": "이 대화 내용은 보관하지 않습니다. 상담이 끝나면 서버에 남지 않습니다.",
    "chat.closed": "대화가 끝났습니다. 지금까지의 내용은 계속 읽을 수 있습니다.",
    "chat.err_empty": "보낼 내용을 먼저 쓰세요.",
    "chat.err_too_long": "메시지는 {max}자까지 보낼 수 있습니다. 줄이거나 나눠서 보내세요.",
    "chat.err_offline": "연결이 끊겨 보내지 못했습니다. 다시 연결되면 보내기를 누르세요.",
    "chat.err_unconfirmed": (
        "메시지가 전달되었는지 확인하지 못했습니다. 내용을 다시 칸에 넣었습니다."
    ),
    "chat.err_rate_limited": (
        "메시지를 너무 빨리 보냈습니다. 몇 초 뒤 다시 보내세요. 쓴 내용은 칸에 그대로 있습니다."
    ),
    "chat.err_invalid": "보내지 못했습니다. 메시지는 1자 이상 {max}자 이하여야 합니다.",
    "chat.err_peer_absent": (
        "상대방 연결이 잠시 끊겨 보내지 못했습니다. 다시 연결되면 보내기를 누르세요."
    ),
    "chat.err_closed": "대화가 끝나서 보낼 수 없습니다.",
    "chat.err_other": "메시지를 보내지 못했습니다. 다시 시도해 주세요.",
    "chat.consent_legend": "문자 대화 보관 동의 (선택)",
    "chat.consent_hint": (
        "동의하시면 이번 상담의 문자 대화 내용을 상담 기록과 함께 {period} 동안 보관합니다. "
        "동의하지 않아도 상담과 문자 대화는 그대로 이용할 수 있으며, 대화 내용은 보관하지 "
        "않습니다."
    ),
    "chat.consent_label": "문자 대화 내용을 상담 기록과 함께 보관하는 데 동의합니다. (선택)",
    # relay mode: the separate recording consent and the badge (issue 5)
    "recording.consent_legend": "영상 상담 녹화 동의 (선택)",
    "recording.consent_hint": (
        "동의하시면 이번 영상 상담을 녹화하여 상담 기록과 함께 {period} 동안 보관한 뒤 "
        "삭제합니다. 동의하지 않아도 상담은 그대로 이용할 수 있으며, 녹화하지 않습니다. "
        "녹화하는 동안에는 화면에 '녹화 중' 표시가 계속 보입니다."
    ),
    "recording.consent_label": "이번 영상 상담을 녹화하는 데 동의합니다. (선택)",
    "recording.badge": "녹화 중",
    "recording.badge_detail": "이 상담은 상담자의 동의를 받아 녹화되고 있습니다",
    "recording.stop": "녹화 중지 (동의 철회)",
    "chat.withdraw": "대화 보관 중지 (동의 철회)",
    # the citizen's right of access and deletion (my_data.html), the staff queue
    "mydata.title": "내 정보 열람",
    "mydata.heading": "보관 중인 내 정보",
    "mydata.intro": (
        "이 예약과 관련해 보관하고 있는 정보와, 각 정보를 언제 삭제하는지 보여 드립니다. "
        "삭제를 요청하시면 담당 직원이 처리합니다."
    ),
    "mydata.loading": "정보를 불러오는 중입니다…",
    "mydata.booking": "예약 정보",
    "mydata.sessions": "상담 기록",
    "mydata.no_sessions": "아직 진행한 상담이 없습니다.",
    "mydata.none": "없음",
    "mydata.code": "예약 번호",
    "mydata.name": "이름",
    "mydata.contact": "연락처",
    "mydata.note": "요청 사항",
    "mydata.slot": "예약 시간",
    "mydata.status": "상태",
    "mydata.consent": "개인정보 처리 동의",
    "mydata.consent_no": "동의하지 않음",
    "mydata.consent_given": "동의함 (버전 {version}, {at})",
    "mydata.consent_withdrawn": "{at}에 철회함",
    "mydata.contact_until": "연락처 정보 삭제 예정일",
    "mydata.deleted_at": "{at}에 삭제됨",
    "mydata.session_n": "상담 {n} ({at})",
    "mydata.mode": "상담 방식",
    "mydata.ended": "종료 시각",
    "mydata.transcript_consent": "문자 대화 보관 동의",
    "mydata.recording_consent": "녹화 동의",
    "mydata.chat_lines": "보관 중인 문자 대화",
    "mydata.recordings": "보관 중인 녹화 파일",
    "mydata.kept_until": "{n}건, {at}까지 보관",
    "mydata.record": "상담 분야 / 결과",
    "mydata.record_summary": "상담 요약",
    "mydata.record_until": "상담 기록 삭제 예정일",
    "mydata.survey": "만족도",
    "mydata.survey_comment": "남기신 의견",
    "mydata.show_chat": "문자 대화 내용 보기",
    "mydata.sender.caller": "나",
    "mydata.sender.interpreter": "통역사",
    "mydata.delete_heading": "삭제 요청",
    "mydata.delete_text": (
        "요청하시면 담당 직원이 확인한 뒤 이름, 연락처, 문자 대화, 녹화, 상담 요약을 "
        "삭제합니다. 통계용 숫자(시간, 대기 시간 등)는 개인을 알아볼 수 없는 형태로 남습니다."
    ),
    "mydata.delete_button": "내 정보 삭제 요청",
    "mydata.requesting": "삭제를 요청하는 중입니다…",
    "mydata.requested": "삭제 요청이 접수되었습니다.",
    "mydata.request_open": "{at}에 삭제를 요청하셨습니다. 담당 직원이 처리 중입니다.",
    "mydata.request_done": "요청하신 정보를 삭제했습니다.",
    "mydata.request_refused": (
        "법령에 따라 보관해야 하는 정보가 있어 삭제하지 못했습니다. 자세한 내용은 120으로 "
        "문의해 주세요."
    ),
    "mydata.back": "예약 관리로 돌아가기",
    "manage.my_data": "보관 중인 내 정보 보기·삭제 요청",
    "privacy.title": "개인정보 삭제 요청",
    "privacy.heading": "개인정보 삭제 요청",
    "privacy.intro": "시민이 예약 링크로 보낸 삭제 요청입니다. 오래된 요청부터 처리해 주세요.",
    "privacy.empty": "처리할 요청이 없습니다.",
    "privacy.code": "예약 번호",
    "privacy.requested": "요청 시각",
    "privacy.actions": "처리",
    "privacy.delete_now": "{code} 지금 삭제",
    "privacy.refuse": "{code} 거절",
    "privacy.working": "처리 중입니다…",
    "privacy.deleted": "삭제했습니다.",
    "privacy.refused": "요청을 거절로 닫았습니다.",
    # the satisfaction survey (survey.js, _survey.html)
    "survey.heading": "상담은 어떠셨나요?",
    "survey.intro": "짧은 설문입니다. 답하지 않고 건너뛰어도 됩니다.",
    "survey.stars_legend": "상담에 얼마나 만족하셨나요? (1~5)",
    "survey.stars.1": "1 (매우 불만족)",
    "survey.stars.2": "2 (불만족)",
    "survey.stars.3": "3 (보통)",
    "survey.stars.4": "4 (만족)",
    "survey.stars.5": "5 (매우 만족)",
    "survey.resolved_legend": "궁금한 점이나 문제가 해결되었나요? (선택)",
    "survey.resolved_yes": "예, 해결되었습니다",
    "survey.resolved_no": "아니요, 해결되지 않았습니다",
    "survey.comment": "하고 싶은 말 (선택)",
    "survey.comment_hint": "500자까지 쓸 수 있습니다. 이름이나 연락처는 쓰지 마세요.",
    "survey.submit": "설문 보내기",
    "survey.skip": "건너뛰기",
    "survey.sending": "설문을 보내는 중입니다…",
    "survey.thanks": "고맙습니다. 설문 응답을 저장했습니다.",
    "survey.already": "이 상담의 설문에는 이미 답하셨습니다. 고맙습니다.",
    "survey.gone": "이 상담의 설문은 더 이상 답할 수 없습니다.",
    "survey.failed": (
        "설문을 보내지 못했습니다. 인터넷 연결을 확인하고 '설문 보내기'를 다시 누르세요."
    ),
    "survey.skipped": "설문을 건너뛰었습니다.",
    "field.stars": "1부터 5까지 중 하나를 고르세요. 답하기 싫으면 '건너뛰기'를 누르세요.",
    "field.resolved": "'예' 또는 '아니요'를 고르거나 비워 두세요.",
    "field.comment": "하고 싶은 말은 500자까지 쓸 수 있습니다.",
    # the live queue page (/live, live.js)
    "live.title": "실시간 상담",
    "live.heading": "지금 바로 수어 상담",
    "live.intro": (
        "예약 없이 대기 순서를 받아 수어 통역사와 상담합니다. 영상(수어) 또는 문자로 상담할 수 "
        "있습니다. 소리는 쓰지 않습니다."
    ),
    "live.unavailable_heading": "실시간 상담 상태를 불러오지 못했습니다",
    "live.unavailable_text": (
        "인터넷 연결을 확인하고 '다시 시도'를 누르세요. 계속 안 되면 상담 시간을 예약하거나 "
        "문자로 문의해 주세요."
    ),
    "live.retry": "다시 시도",
    "live.book_instead": "상담 시간 예약하기",
    "live.closed_heading": "지금은 실시간 상담 시간이 아닙니다",
    "live.closed_text": "지금은 실시간 상담을 받지 않습니다.",
    "live.closed_until": "실시간 상담은 {when} ({zone})에 다시 시작합니다.",
    "live.closed_book": "원하는 시간에 수어 영상 상담을 예약할 수 있습니다.",
    "live.open_now": "● 지금 실시간 상담을 받고 있습니다.",
    "live.open_until": "● 지금 실시간 상담을 받고 있습니다. 오늘 {time}까지 신청할 수 있습니다.",
    "live.form_heading": "상담 신청",
    "live.language": "수어 종류",
    "live.online_n": "(지금 접속한 통역사 {n}명)",
    "live.online_none": "(지금 접속한 통역사 없음)",
    "live.specialty_hint": (
        "특정 분야에 익숙한 통역사가 필요하면 고르세요. 오래 기다리면 같은 수어의 다른 "
        "통역사에게도 연결됩니다."
    ),
    "live.mode": "상담 방식",
    "live.mode_video": "영상 상담 (수어, 카메라 사용)",
    "live.mode_video_hint": "카메라로 통역사와 수어로 대화합니다. 옆에 문자 대화 칸도 있습니다.",
    "live.mode_chat": "문자 상담만 (카메라 사용 안 함)",
    "live.mode_chat_hint": "카메라를 켜지 않고 문자로만 대화합니다.",
    "live.name": "이름 또는 별명 (선택)",
    "live.name_hint": "통역사가 부를 이름입니다. 비워 두어도 됩니다.",
    "live.consent_title": "개인정보 수집·이용 동의 (필수)",
    "live.consent_purpose": "실시간 수어 통역 상담(영상 또는 문자)의 제공과 상담 품질 관리",
    "live.consent_items": (
        "이름 또는 별명(선택), 수어 종류, 전문 분야(선택), 상담 방식, 대기·상담 시간 기록, "
        "만족도 설문 응답(선택)"
    ),
    "live.consent_retention": "상담일로부터 {period} 동안 보관한 뒤 파기합니다.",
    "live.consent_refuse": (
        "동의를 거부할 수 있습니다. 거부하면 온라인 실시간 상담은 이용할 수 없으며, "
        "전화(120)나 문자, 민원 창구에서 도움을 받으실 수 있습니다."
    ),
    "live.consent_agree": "위 내용을 읽었으며 개인정보 수집·이용에 동의합니다. (필수)",
    "live.submit": "상담 신청하기",
    "live.submitting": "상담을 신청하는 중입니다…",
    "field.mode": "영상 상담 또는 문자 상담을 고르세요.",
    "field.caller_name": "이름 또는 별명이 너무 깁니다. 줄여 주세요.",
    "field.live_consent": "개인정보 수집·이용에 동의해야 실시간 상담을 신청할 수 있습니다.",
    "live.camera_heading": "카메라 확인",
    "live.enter_queue": "대기 순서 받기",
    "live.back_to_form": "신청 내용 바꾸기",
    "live.queue_heading": "대기 순서",
    "live.joining": "대기 순서를 받는 중입니다…",
    "live.resuming": "다시 연결하는 중입니다. 대기 순서는 잠시 유지됩니다…",
    "live.position": "{language} 대기 {n}번째입니다. 예상 대기 시간: {wait}",
    "live.position_none": "{language} 대기 {n}번째입니다.",
    "live.none_online": (
        "지금 접속한 {language} 통역사가 없습니다. 순서는 유지되지만 오래 기다릴 수 있습니다."
    ),
    "live.online_detail": "지금 접속한 {language} 통역사: {n}명",
    "live.wait_range": "{low}~{high}분",
    "live.wait_about": "약 {n}분",
    "live.wait_under_minute": "1분 이내",
    "live.wait_up_to": "{n}분 이내",
    "live.ringing": "통역사에게 내 상담을 연결하고 있습니다. 이 화면을 열어 두세요.",
    "live.queue_hint": (
        "이 화면을 열어 두면 순서가 바뀔 때마다 여기에 표시됩니다. 새로 고쳐도 순서는 잠시 "
        "유지됩니다."
    ),
    "live.queue_none_book": "기다리기 어려우면 원하는 시간에 예약할 수도 있습니다.",
    "live.leave": "대기 그만두기",
    "live.leave_question": "대기를 그만둘까요? 지금의 대기 순서는 없어집니다.",
    "live.leave_yes": "예, 그만둡니다",
    "live.leave_no": "아니요, 계속 기다립니다",
    "live.place_lost": "연결이 너무 오래 끊겨 이전 순서가 없어졌습니다. 다시 대기 순서를 받습니다.",
    "live.full": "지금은 대기하는 분이 너무 많습니다. 잠시 뒤 다시 신청하거나 예약해 주세요.",
    "live.other_tab": (
        "이 상담이 다른 탭이나 기기에서 열려 있습니다. 그 화면을 닫고 '다시 연결'을 누르세요."
    ),
    "live.expired": "상담 신청이 만료되었습니다. 다시 신청해 주세요.",
    "live.chat_heading_plain": "문자 상담",
    "live.chat_with": "{name} 님과 문자 상담",
    "live.chat_arrived": "통역사와 연결되었습니다. 문자로 대화하세요.",
    "live.chat_end": "상담 끝내기",
    "live.chat_end_question": "문자 상담을 끝낼까요?",
    "live.chat_detail.server_lost": "내 인터넷 연결이 끊겼습니다. 다시 연결하는 중입니다…",
    "live.chat_detail.peer_away": (
        "상대방 연결이 끊겼습니다. 최대 {s}초 동안 돌아오기를 기다립니다."
    ),
    "live.ended_heading": "상담이 끝났습니다",
    "live.left_heading": "대기를 그만두었습니다",
    "live.end.abandoned": "대기를 그만두었습니다. 필요하면 언제든 다시 신청하세요.",
    "live.end.expired": (
        "오랫동안 연결할 통역사가 없어 대기가 끝났습니다. 다시 신청하거나 예약해 주세요."
    ),
    "live.survey_pending": "아래 설문에 답하거나 건너뛰세요.",
    "live.again": "다시 상담 신청하기",
    "live.to_home": "처음 화면으로",
    # --- media leg (issue 5) ---
    "quality.on": "영상 품질 도우미: 켜짐",
    "quality.off": "영상 품질 도우미: 꺼짐",
    "quality.unavailable": (
        "영상 품질 도우미: 이번 통화에서는 쓸 수 없음 (통화는 그대로 이어집니다)"
    ),
    # --- quality hints (issue 5) ---
    "quality.my_hints": "내 영상 안내",
    "quality.peer_hints": "상대방 영상",
    "quality.hint.hands_cropped": "손이 화면 밖으로 나갑니다. 두 손이 다 보이게 해 주세요",
    "quality.hint.low_light": "화면이 어둡습니다. 앞쪽을 더 밝게 해 주세요",
    "quality.hint.too_far": "너무 멉니다. 카메라에 조금 더 가까이 오세요",
    "quality.hint.too_close": "너무 가깝습니다. 조금 뒤로 물러나 주세요",
    "quality.hint.blurry": "화면이 흐립니다. 카메라 렌즈와 초점을 확인해 주세요",
    "quality.hint.low_frame_rate": (
        "영상이 끊깁니다 (초당 20장 미만). 다른 프로그램을 닫거나 네트워크를 확인해 주세요"
    ),
    "quality.hint.low_resolution": "화질이 낮습니다. 카메라 설정이나 네트워크를 확인해 주세요",
    "quality.short.hands_cropped": "손 잘림",
    "quality.short.low_light": "어두움",
    "quality.short.too_far": "너무 멂",
    "quality.short.too_close": "너무 가까움",
    "quality.short.blurry": "흐림",
    "quality.short.low_frame_rate": "끊김",
    "quality.short.low_resolution": "낮은 화질",
    "quality.signing": "수어 중",
    "quality.pinned": "고정됨",
    "quality.pin_remote": "상대방 화면 크게 고정",
    "quality.pin_self": "내 화면 크게 고정",
    "staff.quality_caller": "영상 품질 (이용자)",
    "staff.quality_interpreter": "영상 품질 (통역사)",
    "staff.quality_line": (
        "손 보임 {hands} · 손 잘림 {cropped} · 밝기 {brightness} · 받은 화면 {fps} · 수어 {signing}"
    ),
    "staff.quality_fps": "초당 {fps}장",
    "staff.quality_seconds": "{s}초",
    "staff.quality_unknown": "알 수 없음",
    "staff.quality_hints": "안내: {list}",
    "staff.quality_no_hints": "안내 없음",
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
    # ---------------------------------------------------------------- admin and audit (issue 6)
    "nav.admin": "Accounts",
    "nav.audit": "Audit log",
    "role.interpreter": "Interpreter",
    "role.staff": "Staff",
    "role.supervisor": "Supervisor",
    "role.admin": "Administrator",
    "admin.accounts.title": "Accounts",
    "admin.accounts.heading": "Accounts",
    "admin.accounts.intro": (
        "Create accounts, change their role or deactivate them. Every change is in the audit log."
    ),
    "admin.accounts.list": "All accounts",
    "admin.username": "Username",
    "admin.username_hint": "Up to 64 lower-case letters, digits, '.', '-' or '_'.",
    "admin.display_name": "Display name",
    "admin.role": "Role",
    "admin.role_of": "Role of {name}",
    "admin.state": "State",
    "admin.actions": "Actions",
    "admin.active": "Active",
    "admin.inactive": "Deactivated",
    "admin.change_role": "Change role",
    "admin.deactivate": "Deactivate",
    "admin.activate": "Activate again",
    "admin.set_password": "Set a new password",
    "admin.new_password": "New password",
    "admin.initial_password": "Initial password",
    "admin.password_again": "Password again",
    "admin.password_hint": "At least {n} characters; tell it to the person only, separately.",
    "admin.save_password": "Save password",
    "admin.create": "Create an account",
    "admin.create_submit": "Create account",
    "admin.done.created": "The account was created.",
    "admin.done.role": "The role was changed.",
    "admin.done.activated": "The account is active again.",
    "admin.done.deactivated": "The account was deactivated; its open sessions ended.",
    "admin.done.password": "The password was changed; the account's open sessions ended.",
    "admin.error.own_role": "You cannot change your own role. Ask another administrator.",
    "admin.error.own_account": "You cannot deactivate your own account.",
    "admin.error.last_admin": (
        "This is the last administrator. Create another administrator first."
    ),
    "admin.error.not_found": "There is no such account.",
    "admin.error.bad_role": "Choose a role from the list.",
    "admin.error.username": "Usernames are up to 64 lower-case letters, digits, '.', '-' or '_'.",
    "admin.error.username_taken": "That username is taken. Choose another one.",
    "admin.error.display_name": "Enter a display name of at most 80 characters.",
    "admin.error.password_short": "The password is too short: use at least 10 characters.",
    "admin.error.password_mismatch": "The two passwords differ. Type the same password twice.",
    "admin.settings.title": "Settings",
    "admin.settings.heading": "Current settings",
    "admin.settings.intro": (
        "The settings the server runs with. They come from the environment; secrets are not shown."
    ),
    "admin.settings.caption": "Settings and their values",
    "admin.settings.name": "Environment variable",
    "admin.settings.value": "Value",
    "admin.runtime.heading": "Settings you can change while the server runs",
    "admin.runtime.intro": (
        "Retention periods and how often the purge runs are changed here; a change applies "
        "at once and is recorded in the audit log."
    ),
    "admin.runtime.saved": "Settings saved.",
    "admin.runtime.invalid": "Some values are out of range: {names}",
    "admin.runtime.save": "Save settings",
    "admin.runtime.retention_records_days": "Keep counseling records (days)",
    "admin.runtime.retention_chat_days": "Keep chat transcripts (days)",
    "admin.runtime.recording_retention_days": "Keep recordings (days)",
    "admin.runtime.retention_contacts_days": "Keep contact details after the booking (days)",
    "admin.runtime.purge_interval_hours": "Run the purge every (hours)",
    "audit.title": "Audit log",
    "audit.heading": "Audit log",
    "audit.intro": (
        "Who did what, when and from where. Entries cannot be changed or deleted;"
        " viewing this page is recorded too."
    ),
    "audit.from": "From",
    "audit.to": "To",
    "audit.actor": "Who",
    "audit.actor_hint": "For example: account:12, anonymous, system",
    "audit.action": "Action",
    "audit.action_hint": "The beginning is enough, e.g. login, account.",
    "audit.search": "Search",
    "audit.export": "Export as CSV",
    "audit.results": "Entries (newest first)",
    "audit.empty": "No entries match.",
    "audit.col.at": "Time",
    "audit.col.target": "Target",
    "audit.col.detail": "Detail",
    "audit.col.from": "Client address",
    "audit.pages": "Audit log pages",
    "audit.newest": "Newest entries",
    "audit.older": "Older entries",
    # ---------------------------------------------------------------- counseling records (issue 6)
    "nav.records": "Counseling records",
    "field.category": "Choose the area of the request.",
    "field.summary": "Write the summary in at most 4,000 characters, without control characters.",
    "field.outcome": "Choose the outcome.",
    "field.agency": "Give the agency's name on one line, at most 120 characters.",
    "field.follow_up_date": (
        "Pick a follow-up date from today on, only for 'follow-up needed' or 'referred'."
    ),
    "record.heading": "Counseling record",
    "record.for_session": "Record of the {mode} that started at {time}",
    "record.intro": "Fill it in during or after the session. It saves itself as you type.",
    "record.category": "Area",
    "record.category_choose": "Choose an area",
    "record.summary": "Summary",
    "record.summary_hint": "What was asked and what you advised. Do not write contact details.",
    "record.chars_left": "{n} characters left",
    "record.outcome": "Outcome",
    "record.outcome.answered": "Answered",
    "record.outcome.referred": "Referred",
    "record.outcome.follow_up": "Follow-up needed",
    "record.outcome.could_not_help": "Could not help",
    "record.agency": "Agency referred to",
    "record.agency_hint": "Required when the outcome is 'Referred'.",
    "record.follow_up_date": "Follow-up date (optional)",
    "record.follow_up_hint": "Only for 'Follow-up needed' or 'Referred'.",
    "record.follow_up_on": "follow-up {date}",
    "record.finish": "Finish the record",
    "record.finished": "The counseling record is complete.",
    "record.status.idle": "Nothing typed yet.",
    "record.status.saving": "Saving…",
    "record.status.saved": "Saved at {time}",
    "record.status.retrying": "Not saved — retrying",
    "record.status.local": "Kept on this device — saved when the session ends",
    "record.status.invalid": "Not saved — correct the marked fields",
    "record.restore_text": (
        "An unsaved draft of this record from {time} is on this device. Restore it?"
    ),
    "record.restore_yes": "Restore the draft",
    "record.restore_no": "Discard the draft",
    "record.complete": "Complete",
    "record.draft": "Draft",
    "record.missing": "None",
    "record.missing_list": "Still needed: {list}",
    "record.problem.required": "This is required.",
    "record.problem.too_long": "This is too long.",
    "record.problem.unknown": "This is not a known value.",
    "record.problem.in_the_past": "The date must be today or later.",
    "record.problem.not_for_outcome": "Only for 'Follow-up needed' or 'Referred'.",
    "record.problem.control_chars": "Control characters are not allowed.",
    "record.recent_heading": "Recent sessions and their records",
    "record.recent_empty": "No recent sessions.",
    "record.recent_write": "Write the record of the session at {time}",
    "record.recent_edit": "Edit the record of the session at {time}",
    "record.close": "Close the record",
    "record.mode.video": "video session",
    "record.mode.chat": "chat session",
    "record.kind.reserved": "Booked",
    "record.kind.walk_in": "Walk-in",
    "record.channel.web": "Booked on the web",
    "record.channel.phone": "Booked by phone",
    "record.channel.sms": "Booked by text message",
    "record.channel.counter": "Booked at a counter",
    "record.channel.live": "Live queue (walk-in)",
    "records.title": "Search counseling records",
    "records.heading": "Counseling records",
    "records.intro": (
        "Find records by dates, interpreter, area, outcome, sign language and channel, and "
        "export them. Every view and export of records is written to the audit log."
    ),
    "records.from": "From",
    "records.to": "To",
    "records.interpreter": "Interpreter",
    "records.language": "Sign language",
    "records.channel": "Channel",
    "records.mode": "Mode",
    "records.any": "Any",
    "records.search": "Search",
    "records.results": "{total} records · page {page} of {pages}",
    "records.none": "No records match.",
    "records.table_caption": "Search results",
    "records.col.started": "Started",
    "records.col.state": "Record",
    "records.open": "Open the record of {time}",
    "records.pages": "Pages",
    "records.export_heading": "Export",
    "records.export_hint": (
        "Exports every record that matches the current search. Citizens' contact details are "
        "never included."
    ),
    "records.export_csv": "CSV file",
    "records.export_json": "JSON file (one record per line, NDJSON)",
    "records.export_open311": "Open311 (GeoReport v2) JSON",
    "records.loaded": "Found {total} records.",
    "record.view_title": "Counseling record",
    "record.back": "Back to the search",
    "record.session_heading": "The session",
    "record.f.session": "Session",
    "record.f.kind": "Kind",
    "record.f.booking": "Booking code",
    "record.f.topic": "Booking topic",
    "record.f.interpreter": "Interpreter",
    "record.f.started": "Started",
    "record.f.ended": "Ended",
    "record.f.wait": "Wait",
    "record.f.duration": "Duration",
    "record.f.end_reason": "How it ended",
    "record.f.updated": "Last saved",
    "record.record_heading": "The record",
    "record.none": "No record has been saved yet.",
    "record.quality_heading": "Video quality",
    "record.quality_none": "No quality summary.",
    "record.transcript_heading": "Chat transcript",
    "record.transcript_none": "The caller did not consent, or no chat was stored.",
    "record.transcript_truncated": "The chat was long; only part of it was stored.",
    "record.sender.caller": "Caller",
    "record.sender.interpreter": "Interpreter",
    "record.survey_heading": "Satisfaction survey",
    "record.survey_none": "Not answered.",
    "record.survey_stars": "{n} stars",
    "record.survey_resolved": "Resolved",
    "record.survey_unresolved": "Not resolved",
    "record.survey_comment": "Comment",
    "record.recordings_heading": "Recording files",
    "record.recordings_none": "No recording files.",
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
    # --- console and wallboard (issue 4) ---
    "console.presence_reason": "My status: {state} ({reason})",
    "console.ready_hint_queue": (
        "While you are ready, your booked callers connect as soon as they enter the waiting room, "
        "and callers from the live queue ring here with a flashing banner and a change of the "
        "window title. No sound is used. Turn on your camera first and check the picture."
    ),
    "console.away_reason_label": "Reason for being away",
    "console.away_reason_hint": (
        "When you set yourself away, staff see this reason on the wallboard."
    ),
    "console.away_reason.break": "Break",
    "console.away_reason.meal": "Meal",
    "console.away_reason.meeting": "Meeting",
    "console.away_reason.training": "Training",
    "console.away_reason.paperwork": "Paperwork",
    "console.away_reason.technical": "Technical problem",
    "console.away_reason.missed_offers": "Missed offers",
    "console.missed_offers": (
        "You were set away after {n} missed offers. Set yourself ready when you are back."
    ),
    "console.missed_offers_generic": (
        "You were set away because offered calls were not answered. Set yourself ready when you "
        "are back."
    ),
    "console.matched_chat": "The chat with {name} has started.",
    "console.chat_with": "Chat with {name}",
    "console.walk_in": "Live queue",
    "ring.heading": "Incoming call",
    "ring.what": "{language} · {mode}",
    "ring.kind_label": "Kind",
    "ring.kind.walk_in": "Live queue (no booking)",
    "ring.kind.reserved": "Booked call",
    "ring.mode_label": "Mode",
    "ring.mode.video": "Video call",
    "ring.mode.chat": "Chat only (no video)",
    "ring.waited": "Has waited",
    "ring.countdown": "Answer within {s} s",
    "ring.countdown_over": "Time is up. Passing the call on to the next interpreter…",
    "ring.accept": "Accept",
    "ring.decline": "Decline",
    "ring.accepting": "Accepting… connecting the caller.",
    "ring.gone": "This call is no longer offered to you.",
    "ring.cancelled.timeout": "The offer timed out and went to the next interpreter.",
    "ring.cancelled.caller_left": "The caller left the queue before the call was answered.",
    "ring.cancelled.declined": "You declined the call. It goes to the next interpreter.",
    "title.ring": "🔔 Incoming {language} call",
    "title.ring_alt": "📞 Answer now",
    "title.wrap_up": "✎ Wrapping up",
    "wrap.heading": "Wrap-up time",
    "wrap.text": (
        "Time to finish the record of the call you just had. No new calls are offered to you "
        "until you are ready."
    ),
    "wrap.countdown": "You become ready for calls automatically in {s} s.",
    "wrap.countdown_over": "Wrap-up time is over. You will be ready for calls in a moment.",
    "wrap.ready": "Ready for the next call",
    "wrap.away": "Go away",
    "dur.s": "{s} s",
    "dur.ms": "{m} min {s} s",
    "dur.hm": "{h} h {m} min",
    "staff.wallboard_link": "Open the wallboard",
    "wb.title": "Wallboard",
    "wb.heading": "Live wallboard",
    "wb.intro": (
        "This page changes by itself as callers and interpreters change state; no need to reload."
    ),
    "wb.back": "Back to the staff console",
    "wb.conn.connecting": "Live updates: connecting…",
    "wb.conn.open": "Live updates: connected",
    "wb.conn.reconnecting": (
        "Live updates: connection lost, reconnecting… The figures below may be out of date."
    ),
    "wb.conn.closed": (
        "Live updates: not connected. Press 'Reconnect'. The figures below are out of date."
    ),
    "wb.updated": "Last updated: {time}",
    "wb.updated_never": "Waiting for the first update…",
    "wb.waiting_heading": "Callers waiting",
    "wb.waiting_caption": "Callers waiting per sign language, with the longest wait",
    "wb.waiting_total": "{n} waiting in all",
    "wb.waiting_none": "No one is waiting now.",
    "wb.col.language": "Sign language",
    "wb.col.waiting": "Waiting",
    "wb.col.longest": "Longest wait",
    "wb.interpreters_heading": "Interpreters",
    "wb.states_label": "Interpreters per state",
    "wb.state_count": "{state}: {n}",
    "wb.interpreters_caption": "Each interpreter's state, reason, and since when",
    "wb.interpreters_none": "No interpreters are online.",
    "wb.col.name": "Name",
    "wb.col.languages": "Sign languages",
    "wb.col.state": "State",
    "wb.col.reason": "Reason",
    "wb.col.since": "Since (how long)",
    "wb.since": "{time} ({duration})",
    "wb.reason_none": "None",
    "wb.speed_heading": "Speed of answer today",
    "wb.answered": "Calls answered on {day}: {n}",
    "wb.speed_caption": "Calls answered within each time, as a count and a share",
    "wb.col.within": "Answered within",
    "wb.col.calls": "Calls",
    "wb.col.share": "Share",
    "wb.within.30": "30 seconds",
    "wb.within.60": "60 seconds",
    "wb.within.120": "120 seconds",
    "wb.percent": "{p}%",
    "wb.share_none": "none yet",
    "wb.abandoned_heading": "Abandoned today",
    "wb.abandoned": "Callers who left before being answered: {n}",
    "wb.abandoned_wait": "Average wait before leaving: {duration}",
    "wb.abandoned_wait_none": "Average wait before leaving: not applicable",
    # --- statistics (issue 6) ---
    "staff.statistics_link": "Open the statistics",
    "stats.title": "Statistics",
    "stats.heading": "Counseling statistics",
    "stats.intro": (
        "Cases, speed of answer, waits, callers who left before an answer, no-shows, interpreter "
        "time, satisfaction and video quality over the days you choose. Each chart has a summary "
        "in words and a table, and can be downloaded as CSV."
    ),
    "stats.from": "From",
    "stats.to": "To",
    "stats.show": "Show statistics",
    "stats.range_hint": "Dates as YYYY-MM-DD; whole days in {zone}. At most {max} days.",
    "stats.quick": "Quick ranges",
    "stats.last_days": "Last {n} days",
    "stats.showing": "{first} to {last} ({days} days, {zone})",
    "stats.figures_heading": "Key figures",
    "stats.table_toggle": "Show the table: {chart}",
    "stats.csv": "Download CSV: {chart}",
    "stats.none": "not applicable",
    "stats.err.title": "Please check the dates",
    "stats.err.bad_from": "The start date is not valid. Use YYYY-MM-DD, for example 2026-11-01.",
    "stats.err.bad_to": "The end date is not valid. Use YYYY-MM-DD, for example 2026-11-30.",
    "stats.err.reversed": "The end date is before the start date. Swap the two dates.",
    "stats.err.too_long": "The range is too long. You can look at up to {max} days at once.",
    "stats.fig.cases": "Cases",
    "stats.fig.within": "Answered within {s} s",
    "stats.fig.wait_mean": "Average wait",
    "stats.fig.wait_max": "Longest wait",
    "stats.fig.abandoned": "Left before an answer",
    "stats.fig.no_shows": "No-shows / reservations",
    "stats.fig.satisfaction": "Average satisfaction",
    "stats.fig.hints": "Cases with video hints",
    "stats.stars_of_5": "{n} of 5",
    "stats.stars": "{n} stars",
    "stats.within": "Within {s} s",
    "stats.mode.video": "Video",
    "stats.mode.chat": "Chat",
    "stats.axis.cases": "Cases",
    "stats.axis.seconds": "Wait (seconds)",
    "stats.axis.percent": "Share (%)",
    "stats.axis.reservations": "No-shows",
    "stats.col.day": "Day",
    "stats.col.total": "Total",
    "stats.col.language": "Sign language",
    "stats.col.share": "Share",
    "stats.col.share_analysed": "Share of analysed cases",
    "stats.col.within": "Answered within",
    "stats.col.answered": "Answered",
    "stats.col.cases": "Cases",
    "stats.col.abandoned": "Left before an answer",
    "stats.col.reservations": "Reservations (not cancelled)",
    "stats.col.no_shows": "No-shows",
    "stats.col.rate": "Rate",
    "stats.col.state": "State",
    "stats.col.time": "Time",
    "stats.col.stars": "Satisfaction",
    "stats.col.answers": "Answers",
    "stats.col.hint": "Video hint",
    "stats.col.sessions": "Cases",
    "stats.col.raised": "Times shown",
    "stats.cases.title": "Cases per day (video and chat)",
    "stats.cases.summary": (
        "{n} cases in this range: {video} by video and {chat} by chat. "
        "The busiest day was {day} with {most} cases."
    ),
    "stats.cases.empty": "There were no cases in this range.",
    "stats.cases.caption": "Cases per day: by mode, by sign language, and in total",
    "stats.languages.title": "Cases by sign language",
    "stats.languages.summary": (
        "Of {languages} sign languages, {language} had the most cases: {n} ({share})."
    ),
    "stats.languages.caption": "Video and chat cases per sign language, and each one's share",
    "stats.speed.title": "Speed of answer",
    "stats.speed.summary": "Of {n} answered cases: {list}.",
    "stats.speed.empty": "No case was answered in this range.",
    "stats.speed.caption": "Cases answered within each time, and their share of answered cases",
    "stats.waits.title": "Average and longest wait per day",
    "stats.waits.summary": (
        "Callers waited {mean} on average for an answer; the longest wait was {max}, on {day}."
    ),
    "stats.waits.mean": "Average wait",
    "stats.waits.max": "Longest wait",
    "stats.waits.caption": "Answered cases, average wait and longest wait per day",
    "stats.abandoned.title": "Callers who left before an answer, per day",
    "stats.abandoned.summary": (
        "{n} of {cases} callers ({rate}) left before an interpreter answered, "
        "after waiting {wait} on average."
    ),
    "stats.abandoned.rate": "Abandonment rate",
    "stats.abandoned.caption": "Cases, callers who left before an answer, and the rate, per day",
    "stats.no_shows.title": "No-shows per day",
    "stats.no_shows.summary": "{n} of {reservations} reservations ({rate}) were marked no-show.",
    "stats.no_shows.empty": "There were no reservations in this range.",
    "stats.no_shows.caption": "Reservations (not cancelled), no-shows and the rate, per day",
    "stats.utilisation.title": "Interpreter time by state",
    "stats.utilisation.summary": "Interpreters were online {hours} in all: {list}.",
    "stats.utilisation.empty": "No interpreter was online in this range.",
    "stats.utilisation.caption": "Online time of all interpreters per state, and its share",
    "stats.satisfaction.title": "Satisfaction",
    "stats.satisfaction.summary": (
        "{n} survey answers, {mean} of 5 on average; {resolved} said their matter was resolved."
    ),
    "stats.satisfaction.empty": "No survey was answered in this range.",
    "stats.satisfaction.caption": "Answers per satisfaction score, and their share",
    "stats.quality.title": "Video quality hints",
    "stats.quality.summary": (
        "{n} of {analysed} analysed cases ({share}) showed at least one video hint. "
        "Most frequent: {list}."
    ),
    "stats.quality.empty": "No case had its video quality analysed in this range.",
    "stats.quality.caption": (
        "Cases that showed each hint, their share of analysed cases, and times shown"
    ),
    "stats.hint.hands_cropped": "Hands cut off",
    "stats.hint.low_light": "Too dark",
    "stats.hint.too_far": "Too far",
    "stats.hint.too_close": "Too close",
    "stats.hint.blurry": "Blurry",
    "stats.hint.low_frame_rate": "Low frame rate",
    "stats.hint.low_resolution": "Low resolution",
    # --- caller side (issue 4) ---
    # entry points on the start page
    "entry.label": "Choose how to get help",
    "entry.live_title": "Get help now (live sign-language / chat counseling)",
    "entry.live_text": (
        "No booking needed: take a place in the queue and talk to a sign-language interpreter "
        "by video or by text chat."
    ),
    "entry.book_title": "Book a time",
    "entry.book_text": "Book a sign-language video session at a day and time you choose, below.",
    # the signaling link, in words (waiting room, queue)
    "link.label": "Server connection",
    "link.connecting": "Connecting to the server…",
    "link.connected": "Connected",
    "link.reconnecting": "Connection lost. Reconnecting…",
    "link.closed": "Not connected",
    "link.back": "Connected again.",
    "video.detail.server_lost": (
        "Your internet connection dropped. Reconnecting… Your place in the call is kept for a "
        "while."
    ),
    "wait.resuming": "Reconnecting to your call…",
    "call.dropped_rejoin": (
        "The connection was lost for too long, so the earlier call ended. You are back in the "
        "waiting room."
    ),
    "title.new_message": "✉ New message",
    "title.ringing": "🔔 Finding your interpreter",
    # the chat panel (chat.js, _chat.html)
    "chat.heading": "Text chat",
    "chat.empty": "No messages yet. What you write below appears for the other side at once.",
    "chat.label": "Message",
    "chat.hint": "Enter sends, Shift+Enter starts a new line. Links are shown as text only.",
    "chat.send": "Send",
    "chat.count": "{n} / {max} characters",
    "chat.you": "You",
    "chat.sender.caller": "Caller",
    "chat.sender.interpreter": "Interpreter",
    "chat.typing.caller": "The caller is typing…",
    "chat.typing.interpreter": "The interpreter is typing…",
    "chat.typing_named": "{name} is typing…",
    "chat.sending": "Sending…",
    "chat.kept": "This chat is kept with the counseling record, as you agreed.",
    "chat.not_kept": "This chat is not kept: nothing of it stays on the server after the session.",
    "chat.closed": "The chat has ended. You can still read it.",
    "chat.err_empty": "Write something to send first.",
    "chat.err_too_long": "A message can be at most {max} characters. Shorten it or split it.",
    "chat.err_offline": "Not sent: the connection is down. Press Send again once reconnected.",
    "chat.err_unconfirmed": (
        "Could not confirm that your message arrived. It is back in the box to send again."
    ),
    "chat.err_rate_limited": (
        "Too many messages in a short time. Wait a few seconds and send again; your text is "
        "still in the box."
    ),
    "chat.err_invalid": "Not sent: a message must have 1 to {max} characters.",
    "chat.err_peer_absent": (
        "Not sent: the other side's connection dropped for a moment. Press Send again once they "
        "are back."
    ),
    "chat.err_closed": "The chat has ended; messages can no longer be sent.",
    "chat.err_other": "The message was not sent. Please try again.",
    "chat.consent_legend": "Keeping the text chat (optional)",
    "chat.consent_hint": (
        "If you agree, the text chat of this session is kept with the counseling record for "
        "{period}. If you do not, you can still use the counseling and the chat; the chat is "
        "not kept."
    ),
    "chat.consent_label": (
        "I agree that the text chat is kept with the counseling record. (optional)"
    ),
    # relay mode: the separate recording consent and the badge (issue 5)
    "recording.consent_legend": "Recording the video call (optional)",
    "recording.consent_hint": (
        "If you agree, this video call is recorded and kept with the counseling record for "
        "{period}, then deleted. If you do not, you can still use the counseling; nothing is "
        "recorded. While the call is recorded, a 'Recording' badge stays on the screen."
    ),
    "recording.consent_label": "I agree that this video call is recorded. (optional)",
    "recording.badge": "Recording",
    "recording.badge_detail": "this call is being recorded, with the caller's consent",
    "recording.stop": "Stop recording (withdraw consent)",
    "chat.withdraw": "Stop keeping the chat (withdraw consent)",
    # the citizen's right of access and deletion (my_data.html), the staff queue
    "mydata.title": "My data",
    "mydata.heading": "What we keep about you",
    "mydata.intro": (
        "This is what we keep about this booking, and when each part is deleted. If you ask "
        "for deletion, a member of staff carries it out."
    ),
    "mydata.loading": "Loading your data…",
    "mydata.booking": "The booking",
    "mydata.sessions": "Counseling sessions",
    "mydata.no_sessions": "No session has taken place yet.",
    "mydata.none": "None",
    "mydata.code": "Booking code",
    "mydata.name": "Name",
    "mydata.contact": "Contact",
    "mydata.note": "Requests",
    "mydata.slot": "Time",
    "mydata.status": "Status",
    "mydata.consent": "Consent to processing",
    "mydata.consent_no": "Not given",
    "mydata.consent_given": "Given (version {version}, {at})",
    "mydata.consent_withdrawn": "withdrawn {at}",
    "mydata.contact_until": "Contact details deleted on",
    "mydata.deleted_at": "deleted {at}",
    "mydata.session_n": "Session {n} ({at})",
    "mydata.mode": "Mode",
    "mydata.ended": "Ended",
    "mydata.transcript_consent": "Keeping the text chat",
    "mydata.recording_consent": "Recording",
    "mydata.chat_lines": "Chat lines kept",
    "mydata.recordings": "Recordings kept",
    "mydata.kept_until": "{n}, kept until {at}",
    "mydata.record": "Area / outcome",
    "mydata.record_summary": "Counseling summary",
    "mydata.record_until": "Counseling record deleted on",
    "mydata.survey": "Satisfaction",
    "mydata.survey_comment": "Your comment",
    "mydata.show_chat": "Show the text chat",
    "mydata.sender.caller": "Me",
    "mydata.sender.interpreter": "Interpreter",
    "mydata.delete_heading": "Ask for deletion",
    "mydata.delete_text": (
        "If you ask, staff check the request and delete your name, contact, text chat, "
        "recordings and the counseling summary. Numbers for statistics (times, waits) stay, "
        "in a form that does not identify you."
    ),
    "mydata.delete_button": "Ask to delete my data",
    "mydata.requesting": "Sending your request…",
    "mydata.requested": "Your deletion request was received.",
    "mydata.request_open": "You asked for deletion on {at}. Staff are handling it.",
    "mydata.request_done": "The data you asked about has been deleted.",
    "mydata.request_refused": (
        "Some of this data must be kept by law, so it was not deleted. Call 120 for details."
    ),
    "mydata.back": "Back to my booking",
    "manage.my_data": "See what is kept about me, or ask for deletion",
    "privacy.title": "Deletion requests",
    "privacy.heading": "Deletion requests",
    "privacy.intro": "Requests citizens sent with their booking link. Handle the oldest first.",
    "privacy.empty": "No request to handle.",
    "privacy.code": "Booking code",
    "privacy.requested": "Asked at",
    "privacy.actions": "Handle",
    "privacy.delete_now": "Delete {code} now",
    "privacy.refuse": "Refuse {code}",
    "privacy.working": "Working…",
    "privacy.deleted": "Deleted.",
    "privacy.refused": "The request was closed as refused.",
    # the satisfaction survey (survey.js, _survey.html)
    "survey.heading": "How was your counseling?",
    "survey.intro": "A short survey. You may skip it.",
    "survey.stars_legend": "How satisfied are you with the counseling? (1 to 5)",
    "survey.stars.1": "1 (poor)",
    "survey.stars.2": "2 (fair)",
    "survey.stars.3": "3 (okay)",
    "survey.stars.4": "4 (good)",
    "survey.stars.5": "5 (excellent)",
    "survey.resolved_legend": "Was your issue resolved? (optional)",
    "survey.resolved_yes": "Yes, it was resolved",
    "survey.resolved_no": "No, it was not resolved",
    "survey.comment": "Anything else to tell us (optional)",
    "survey.comment_hint": (
        "Up to 500 characters. Please do not write your name or contact details."
    ),
    "survey.submit": "Send the survey",
    "survey.skip": "Skip",
    "survey.sending": "Sending your answers…",
    "survey.thanks": "Thank you. Your answers were saved.",
    "survey.already": "You have already answered the survey for this session. Thank you.",
    "survey.gone": "The survey for this session can no longer be answered.",
    "survey.failed": (
        "The survey could not be sent. Check your internet connection and press 'Send the "
        "survey' again."
    ),
    "survey.skipped": "You skipped the survey.",
    "field.stars": "Choose a number from 1 to 5, or press 'Skip' if you prefer not to answer.",
    "field.resolved": "Choose 'Yes' or 'No', or leave it empty.",
    "field.comment": "The comment can be at most 500 characters.",
    # the live queue page (/live, live.js)
    "live.title": "Live counseling",
    "live.heading": "Sign-language counseling now",
    "live.intro": (
        "No booking needed: take a place in the queue and talk to a sign-language interpreter, "
        "by video (signing) or by text chat. No sound is used."
    ),
    "live.unavailable_heading": "The live counseling status could not be loaded",
    "live.unavailable_text": (
        "Check your internet connection and press 'Try again'. If it still fails, book a time "
        "or contact us by text message."
    ),
    "live.retry": "Try again",
    "live.book_instead": "Book a time instead",
    "live.closed_heading": "Live counseling is closed now",
    "live.closed_text": "Live counseling is not open at the moment.",
    "live.closed_until": "Live counseling opens again on {when} ({zone}).",
    "live.closed_book": "You can book a sign-language video session at a time that suits you.",
    "live.open_now": "● Live counseling is open now.",
    "live.open_until": "● Live counseling is open now. You can join until {time} today.",
    "live.form_heading": "Ask for counseling",
    "live.language": "Sign language",
    "live.online_n": "({n} interpreters online now)",
    "live.online_none": "(no interpreter online now)",
    "live.specialty_hint": (
        "Choose one if you need an interpreter who knows a field well. After a longer wait, any "
        "interpreter of your sign language may answer."
    ),
    "live.mode": "How to talk",
    "live.mode_video": "Video (signing, uses your camera)",
    "live.mode_video_hint": "Sign with the interpreter on camera. A text chat is beside the video.",
    "live.mode_chat": "Text chat only (no camera)",
    "live.mode_chat_hint": "Write with the interpreter; the camera stays off.",
    "live.name": "Name or nickname (optional)",
    "live.name_hint": "What the interpreter may call you. You may leave it empty.",
    "live.consent_title": "Consent to collect and use personal data (required)",
    "live.consent_purpose": (
        "Providing live sign-language counseling (video or text chat) and checking its quality"
    ),
    "live.consent_items": (
        "Name or nickname (optional), sign language, specialty (optional), how you talk, the "
        "times of your wait and session, survey answers (optional)"
    ),
    "live.consent_retention": "Kept for {period} from the day of the session, then destroyed.",
    "live.consent_refuse": (
        "You may refuse. Without consent you cannot use live counseling online; you can get help "
        "by phone (120), text message or at a service counter."
    ),
    "live.consent_agree": "I have read the above and consent to the collection and use. (required)",
    "live.submit": "Ask for counseling",
    "live.submitting": "Sending your request…",
    "field.mode": "Choose video or text chat.",
    "field.caller_name": "The name or nickname is too long. Please shorten it.",
    "field.live_consent": "Live counseling online needs your consent to collect and use the data.",
    "live.camera_heading": "Camera check",
    "live.enter_queue": "Take a place in the queue",
    "live.back_to_form": "Change my request",
    "live.queue_heading": "Your place in the queue",
    "live.joining": "Taking a place in the queue…",
    "live.resuming": "Reconnecting. Your place in the queue is kept for a while…",
    "live.position": "You are number {n} for {language}. Expected wait: {wait}.",
    "live.position_none": "You are number {n} for {language}.",
    "live.none_online": (
        "No {language} interpreter is online right now. You keep your place, but the wait may "
        "be long."
    ),
    "live.online_detail": "{language} interpreters online now: {n}",
    "live.wait_range": "{low}\u2013{high} min",
    "live.wait_about": "about {n} min",
    "live.wait_under_minute": "within a minute",
    "live.wait_up_to": "up to {n} min",
    "live.ringing": "An interpreter is being offered your call. Please keep this page open.",
    "live.queue_hint": (
        "Keep this page open: every change of your place shows here. A reload keeps your place "
        "for a while."
    ),
    "live.queue_none_book": "If you cannot wait, you can book a time instead.",
    "live.leave": "Leave the queue",
    "live.leave_question": "Leave the queue? You will lose your place.",
    "live.leave_yes": "Yes, leave",
    "live.leave_no": "No, keep waiting",
    "live.place_lost": (
        "The connection was lost for too long and your earlier place is gone. Taking a new place "
        "in the queue."
    ),
    "live.full": "The queue is full right now. Please try again in a few minutes, or book a time.",
    "live.other_tab": (
        "This session is open in another tab or device. Close it there, then press 'Reconnect'."
    ),
    "live.expired": "Your request has expired. Please ask again.",
    "live.chat_heading_plain": "Text chat counseling",
    "live.chat_with": "Text chat with {name}",
    "live.chat_arrived": "An interpreter has joined. Write in the chat.",
    "live.chat_end": "End the counseling",
    "live.chat_end_question": "End the text chat counseling?",
    "live.chat_detail.server_lost": "Your internet connection dropped. Reconnecting…",
    "live.chat_detail.peer_away": (
        "The other side's connection dropped. Waiting up to {s} seconds for them to return."
    ),
    "live.ended_heading": "The counseling has ended",
    "live.left_heading": "You left the queue",
    "live.end.abandoned": "You left the queue. Ask again any time you need help.",
    "live.end.expired": (
        "No interpreter could take your call for a long time, so the wait ended. Please ask "
        "again or book a time."
    ),
    "live.survey_pending": "Please answer the survey below, or skip it.",
    "live.again": "Ask for counseling again",
    "live.to_home": "Back to the start page",
    # --- media leg (issue 5) ---
    "quality.on": "Quality assistance: on",
    "quality.off": "Quality assistance: off",
    "quality.unavailable": "Quality assistance: not available for this call (the call goes on)",
    # --- quality hints (issue 5) ---
    "quality.my_hints": "About your video",
    "quality.peer_hints": "Their video",
    "quality.hint.hands_cropped": "Your hands leave the picture. Keep both hands in view",
    "quality.hint.low_light": "Too dark. Add light in front of you",
    "quality.hint.too_far": "Too far away. Move closer to the camera",
    "quality.hint.too_close": "Too close. Move back a little",
    "quality.hint.blurry": "Blurry. Check the camera lens and focus",
    "quality.hint.low_frame_rate": (
        "Your video stutters (under 20 frames a second). Close other programs or check the network"
    ),
    "quality.hint.low_resolution": "Low picture quality. Check the camera settings or network",
    "quality.short.hands_cropped": "Hands cut off",
    "quality.short.low_light": "Dark",
    "quality.short.too_far": "Too far",
    "quality.short.too_close": "Too close",
    "quality.short.blurry": "Blurry",
    "quality.short.low_frame_rate": "Stutters",
    "quality.short.low_resolution": "Low quality",
    "quality.signing": "Signing now",
    "quality.pinned": "Pinned",
    "quality.pin_remote": "Pin their video large",
    "quality.pin_self": "Pin my video large",
    "staff.quality_caller": "Video quality (caller)",
    "staff.quality_interpreter": "Video quality (interpreter)",
    "staff.quality_line": (
        "hands visible {hands} · hands cut off {cropped} · brightness {brightness} · "
        "received {fps} · signing {signing}"
    ),
    "staff.quality_fps": "{fps} frames/s",
    "staff.quality_seconds": "{s} s",
    "staff.quality_unknown": "unknown",
    "staff.quality_hints": "hints: {list}",
    "staff.quality_no_hints": "no hints",
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
