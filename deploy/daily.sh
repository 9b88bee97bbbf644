#!/bin/sh
# Một việc hằng ngày của TĐKT Dashboard, chạy mãi lúc GIỜ:PHÚT (giờ của container, TZ=Asia/Ho_Chi_Minh): các dịch vụ
# backup, remind, sweep-files của deploy/compose.yaml (docs/deploy.md), như các bộ hẹn giờ systemd trong deploy/.
#   daily.sh 02:30 backup THƯ_MỤC [SỐ_NGÀY]   python -m tdkt backup THƯ_MỤC/tdkt-NĂMTHÁNGNGÀY-GIỜPHÚTGIÂY.zip, xóa
#                                             bản cũ hơn SỐ_NGÀY (30); chưa có bản nào trong 24 giờ qua thì sao lưu ngay
#                                             khi khởi động (như Persistent=true của tdkt-backup.timer)
#   daily.sh 07:00 remind                     python -m tdkt remind --year NĂM_NAY
#   daily.sh 03:30 sweep-files                python -m tdkt sweep-files
# Một lần chạy lỗi được ghi ra nhật ký (docker compose logs) và lần sau chạy lại; dừng container thì dừng ngay.
set -u

if [ $# -lt 2 ] || ! date -d "today $1" +%s >/dev/null 2>&1; then
    echo "Cách dùng: daily.sh GIỜ:PHÚT backup THƯ_MỤC [SỐ_NGÀY] | remind | sweep-files" >&2
    exit 2
fi
at=$1
job=$2
shift 2
case $job in
    backup) [ $# -ge 1 ] || { echo "daily.sh: backup cần THƯ_MỤC sao lưu" >&2; exit 2; } ;;
    remind | sweep-files) ;;
    *) echo "daily.sh: không có việc “$job” (backup, remind, sweep-files)" >&2; exit 2 ;;
esac

stamp() { date '+%d/%m/%Y %H:%M:%S'; }

run_job() {
    echo "$(stamp) $job: bắt đầu"
    case $job in
        backup) python -m tdkt backup "$1/tdkt-$(date +%Y%m%d-%H%M%S).zip" \
                    && find "$1" -maxdepth 1 -name 'tdkt-*.zip' -mtime +"${2:-30}" -delete ;;
        remind) python -m tdkt remind --year "$(date +%Y)" ;;
        sweep-files) python -m tdkt sweep-files ;;
    esac
    status=$?
    if [ "$status" -eq 0 ]; then
        echo "$(stamp) $job: xong"
    else
        echo "$(stamp) $job: LỖI (mã $status), lần sau chạy lại" >&2
    fi
}

waiting=
trap '[ -n "$waiting" ] && kill "$waiting" 2>/dev/null; exit 0' TERM INT

if [ "$job" = backup ] && [ -z "$(find "$1" -maxdepth 1 -name 'tdkt-*.zip' -mmin -1440 2>/dev/null | head -n 1)" ]; then
    run_job "$@"
fi
while :; do
    now=$(date +%s)
    next=$(date -d "today $at" +%s)
    [ "$next" -gt "$now" ] || next=$(date -d "tomorrow $at" +%s)
    echo "$(stamp) $job: lần chạy kế tiếp $(date -d "@$next" '+%d/%m/%Y %H:%M')"
    # In the background and waited for: a TERM (docker stop) is acted on at once, not after the sleep.
    sleep $((next - now)) &
    waiting=$!
    wait "$waiting"
    waiting=
    run_job "$@"
done
