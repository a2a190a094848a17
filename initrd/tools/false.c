/* SPDX-License-Identifier: MIT */
/* false: ends with status 1 (for the shell's tests of $?). */
int main(void)
{
    return 1;
}
